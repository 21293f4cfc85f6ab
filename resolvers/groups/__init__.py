"""Grid group chats (群聊)."""
