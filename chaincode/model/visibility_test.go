package model

import "testing"

func TestNoticeVisible(t *testing.T) {
	makesX := func(code string) bool { return code == "X" }
	tests := []struct {
		name      string
		give      Notification
		regulator bool
		want      bool
	}{
		{"a regulator sees every notice", Notification{Kind: "event", Actor: "B"}, true, true},
		{"master data is public", Notification{Kind: "product", Actor: "B"}, false, true},
		{"a recall is public", Notification{Kind: "event", BizStep: BizStepRecalling, Actor: "B"}, false, true},
		{"a recall's amendment is public", Notification{Kind: "recall", Step: "amended", Actor: "B"}, false, true},
		{"a party sees what it submitted", Notification{Kind: "event", Actor: "A"}, false, true},
		{"a party sees what is shipped to it", Notification{Kind: "event", Actor: "B", To: "A"}, false, true},
		{"a manufacturer sees events about its products", Notification{Kind: "event", Actor: "B", Codes: []string{"Y", "X"}}, false, true},
		{"another's event about another's goods is hidden", Notification{Kind: "event", Actor: "B", To: "C", Codes: []string{"Y"}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NoticeVisible(tt.give, "A", tt.regulator, makesX); got != tt.want {
				t.Fatalf("NoticeVisible = %v, want %v", got, tt.want)
			}
		})
	}
}
