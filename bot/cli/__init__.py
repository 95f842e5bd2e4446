"""The `newsbot` command line (`main.entry_point`), its sub-commands and the demo."""
