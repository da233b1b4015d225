package search

// CheckChatData parses the built-in chat spellings, for the tests.
func CheckChatData() error {
	_, err := parseChat("data/chat.txt", chatData)
	return err
}

// ParseChat is parseChat, for the tests.
var ParseChat = parseChat
