"""E-mail intake: parsing raw RFC 5322 messages (see parse.parse_message)."""
