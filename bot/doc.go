// Package bot is faqbot's platform-neutral answering core: a Question goes
// in, a Reply comes out. It runs safety triage before search, decides with a
// calibrated confidence whether it knows the answer, trims answers to one
// concise passage, and puts the medical-advice disclaimer on every reply.
//
// Adapters (Telegram, Discord, HTTP, the CLI) only translate platform events
// to Questions and render Replies. bot depends on faq for the content model
// and declares the small Searcher interface it needs; it never imports the
// search implementation or any platform SDK.
package bot
