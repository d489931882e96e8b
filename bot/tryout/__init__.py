"""Local try-out mode: Chorus with a chat page in the browser, no Telegram needed."""
