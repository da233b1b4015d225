package search_test
import ("context";"fmt";"testing";"faqbot/faq";"faqbot/search")
const sleepYAML = `
- question: How many hours of sleep does an adult need?
  answer: Most adults need seven to nine hours of sleep each night.
- question: Why do I wake up at night?
  answer: Stress, caffeine, alcohol and a warm bedroom often cause waking in the night.
- question: Can caffeine keep me awake?
  answer: Yes. Caffeine from coffee, tea and cola can keep you awake for up to eight hours.
- question: What is insomnia?
  answer: Insomnia is trouble falling asleep or staying asleep on most nights for weeks.
- question: Do naps help after a bad night?
  answer: A short nap of twenty minutes can restore alertness without spoiling the next night.
`
const migraineMD = `# Migraine Guide

A migraine is a throbbing headache, often with nausea and sensitivity to light.

## Common Triggers

Skipped meals, dehydration, too little sleep and bright flickering lights can trigger an attack.

## Treating an Attack

Painkillers taken early, rest in a dark room and drinking water help most attacks.

## FAQ

### How long does a migraine last?

An attack usually lasts between four and seventy-two hours.

### Can children get migraines?

Yes, children can get migraines, often shorter ones with stomach ache.
`
const backTXT = `Back Care

Lower Back Exercises

Gentle stretching and walking keep the lower back flexible and strong.

Q: Can massage help lower back pain?
A: Massage relaxes tight muscles in the lower back and can ease pain.

Q: Is a firm mattress better for a sore back?
A: A medium-firm mattress suits most people with back pain.
`
func entries(t *testing.T) []faq.Entry {
	var all []faq.Entry
	for _, f := range []struct{n,s string}{{"sleep.yaml",sleepYAML},{"migraine.md",migraineMD},{"back.txt",backTXT}} {
		es, err := faq.Parse(f.n, []byte(f.s)); if err != nil { t.Fatal(err) }
		all = append(all, es...)
	}
	return all
}
func TestScratch(t *testing.T){
	x, err := search.New(entries(t), search.DefaultSynonyms()); if err!=nil {t.Fatal(err)}
	for _, q := range []string{"How many hours of sleep does an adult need?", "how much sleep do adults need", "sleeping hours for grown ups", "does coffee keep you awake", "caffeine", "cafeine awake", "migrane how long", "how long do migraines last", "what triggers a migraine", "headache triggers", "can kids get migraines", "backache massage", "lumbar pain massage", "can massage help knee pain", "can massage help my lower back pain", "tell me a joke", "how do I cook pasta", "what is the the of", "wat is insomnia", "insommnia", "what is insanity", "\"sleep\" +caffeine -tea * ~ : ?", "sore back mattress", "my back is aching"} {
		ms, err := x.Search(context.Background(), q, 3)
		fmt.Printf("%q err=%v\n", q, err)
		for _, m := range ms { fmt.Printf("   %.3f %.2f %q missing=%q\n", m.Confidence, m.Score, m.Entry.Title, m.Missing) }
	}
}
func TestScratch2(t *testing.T){
	res, err := faq.Load([]string{"../content"}, faq.Options{}); if err!=nil {t.Fatal(err)}
	x, err := search.New(res.Entries, search.DefaultSynonyms()); if err!=nil {t.Fatal(err)}
	for _, q := range []string{"can massage help knee pain", "Can massage help my knee pain?", "does massage help with lower back pain", "is massage good for backache", "what is massage therapy", "how to find a licensed massage therapist", "what types of massage help back pain", "is massage therapy effective for chronic low back pain", "can massage help neck pain", "how do I know if my back pain is chronic", "best recipe for lasagna", "tell me a joke", "how do i write a python function"} {
		ms, err := x.Search(context.Background(), q, 3)
		fmt.Printf("%q err=%v\n", q, err)
		for _, m := range ms { fmt.Printf("   %.3f %.2f %q missing=%q\n", m.Confidence, m.Score, m.Entry.Title, m.Missing) }
	}
}
