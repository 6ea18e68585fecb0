"""The national complaint platform (金融消费者保护服务平台): the cases it transfers to the company come in, and the
company's answers and steps go back, through one exchange (adapter.exchange(): the class named by the setting
PORTAL_PLATFORM_EXCHANGE). Here no platform interface is reachable, so the exchange is a file both ways
(adapter.FileExchange); an interface client with the same two methods replaces it. What is read is checked and
registered here (cases.import_platform_cases), what is written is gathered here (answers.platform_answers): the
adapter only moves rows and documents. Formats: docs/design.md (command contracts)."""
