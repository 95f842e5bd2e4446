"""Operations: settings, logging, secret redaction, texts (i18n)."""
