"""What an admin does from the chat: source actions, status reads and reports."""
