"""The site's own date formats (FORMAT_MODULE_PATH): one date style per language on every page and message."""
