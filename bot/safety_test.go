package bot

import "testing"

func TestTriageExamples(t *testing.T) {
	tr, err := ValidateTriage("")
	if tr == nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Error(err)
	}
}
