// The emulator's stand-in for Telegram's telegram-web-app.js: the same window.Telegram.WebApp
// subset newsbot's Mini App uses, reading the launch parameters from the URL fragment as the
// real script does. Every event the real script would post to the Telegram client is posted
// to the emulator (<this script's origin>/web-app-events) and recorded for tests.
"use strict";
(function () {
  const script = document.currentScript;
  const origin = script ? new URL(script.src).origin : "";
  const hash = new URLSearchParams(location.hash.slice(1));
  const initData = hash.get("tgWebAppData") || "";
  const fields = new URLSearchParams(initData);
  let themeParams = {};
  try { themeParams = JSON.parse(hash.get("tgWebAppThemeParams") || "{}"); } catch (e) { themeParams = {}; }
  const initDataUnsafe = {};
  for (const [key, value] of fields) {
    if (key === "user" || key === "receiver" || key === "chat") {
      try { initDataUnsafe[key] = JSON.parse(value); } catch (e) { /* left out, as Telegram does */ }
    } else if (key === "auth_date") initDataUnsafe[key] = Number(value);
    else initDataUnsafe[key] = value;
  }
  const queryId = fields.get("query_id") || "";
  const handlers = {};

  function postEvent(eventType, eventData) {
    if (!origin) return;
    fetch(origin + "/web-app-events", {
      method: "POST", mode: "no-cors", keepalive: true,
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ query_id: queryId, event_type: eventType, event_data: eventData || {} }),
    }).catch(() => {});
  }

  function emit(name, ...args) { for (const handler of handlers[name] || []) handler(...args); }

  function luminance(hex) {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
    if (!m) return 1;
    const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16) / 255);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  const root = document.documentElement.style;
  for (const [key, value] of Object.entries(themeParams))
    root.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
  const height = window.innerHeight;
  root.setProperty("--tg-viewport-height", height + "px");
  root.setProperty("--tg-viewport-stable-height", height + "px");
  const colorScheme = luminance(themeParams.bg_color) < 0.5 ? "dark" : "light";
  root.setProperty("--tg-color-scheme", colorScheme);

  const backClicks = [];
  const BackButton = {
    isVisible: false,
    show() { BackButton.isVisible = true; postEvent("web_app_setup_back_button", { is_visible: true }); return BackButton; },
    hide() { BackButton.isVisible = false; postEvent("web_app_setup_back_button", { is_visible: false }); return BackButton; },
    onClick(fn) { backClicks.push(fn); return BackButton; },
    offClick(fn) { const i = backClicks.indexOf(fn); if (i >= 0) backClicks.splice(i, 1); return BackButton; },
  };

  const WebApp = {
    initData, initDataUnsafe, version: hash.get("tgWebAppVersion") || "6.0",
    platform: hash.get("tgWebAppPlatform") || "unknown", colorScheme, themeParams,
    isExpanded: true, viewportHeight: height, viewportStableHeight: height,
    BackButton,
    HapticFeedback: {
      impactOccurred(style) { postEvent("web_app_trigger_haptic_feedback", { type: "impact", impact_style: style }); return this; },
      notificationOccurred(type) { postEvent("web_app_trigger_haptic_feedback", { type: "notification", notification_type: type }); return this; },
      selectionChanged() { postEvent("web_app_trigger_haptic_feedback", { type: "selection_change" }); return this; },
    },
    isVersionAtLeast(version) {
      const a = WebApp.version.split(".").map(Number), b = String(version).split(".").map(Number);
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
      }
      return true;
    },
    ready() { postEvent("web_app_ready", {}); },
    expand() { postEvent("web_app_expand", {}); },
    close() { postEvent("web_app_close", {}); },
    switchInlineQuery(query, chooseChatTypes) {
      postEvent("web_app_switch_inline_query", { query: String(query), chat_types: chooseChatTypes || [] });
    },
    openLink(url) { postEvent("web_app_open_link", { url: String(url) }); },
    openTelegramLink(url) { postEvent("web_app_open_tg_link", { path_full: String(url) }); },
    onEvent(name, fn) { (handlers[name] = handlers[name] || []).push(fn); },
    offEvent(name, fn) { const list = handlers[name] || []; const i = list.indexOf(fn); if (i >= 0) list.splice(i, 1); },
    // For tests: what a press on Telegram's own back button does.
    _pressBackButton() { for (const fn of backClicks) fn(); emit("backButtonClicked"); },
  };
  window.Telegram = Object.assign(window.Telegram || {}, { WebApp });
})();
