package model

import (
	"reflect"
	"testing"
)

func TestNotices(t *testing.T) {
	single := Notification{Kind: "event", ID: "e1", Actor: "A", Time: "t", TxID: "tx"}
	tests := []struct {
		name string
		give Notification
		want []Notification
	}{
		{"a notification of one event stands for itself", single, []Notification{single}},
		{"a list gives each notification the transaction's actor, time and ID",
			Notification{Kind: NoticesKind, Actor: "A", Time: "t", TxID: "tx", CodeCount: 2,
				Events: []Notification{{Kind: "event", ID: "e1"}, {Kind: "event", ID: "e2", AlertID: "e2"}}},
			[]Notification{single, {Kind: "event", ID: "e2", AlertID: "e2", Actor: "A", Time: "t", TxID: "tx"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.give.Notices(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Notices() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
