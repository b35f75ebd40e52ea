package notify

import (
	"path/filepath"
	"testing"
	"time"
)

func TestStorePagesAndPrunes(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.maxKept = 4
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 4 {
		d := &Delivery{Org: "A", Kind: KindRecallStarted, Subject: "R" + string(rune('0'+i))}
		if kept, err := st.Enqueue(d, d.Subject, 0, t0.Add(time.Duration(i)*time.Second)); err != nil || !kept {
			t.Fatal(kept, err)
		}
		ids = append(ids, d.ID)
	}
	if kept, _ := st.Enqueue(&Delivery{Org: "A", Subject: "R0"}, "R0", 0, t0.Add(time.Hour)); kept {
		t.Fatal("a key notified twice")
	}
	if kept, _ := st.Enqueue(&Delivery{Org: "B", Subject: "x"}, "B", 0, t0); !kept {
		t.Fatal("B's first")
	}

	t.Run("pages run newest first, org by org", func(t *testing.T) {
		page, next, err := st.Deliveries("A", 3, "")
		if err != nil || len(page) != 3 || page[0].ID != ids[3] || page[2].ID != ids[1] || next != ids[1] {
			t.Fatalf("%v %+v %q", err, page, next)
		}
		page, next, _ = st.Deliveries("A", 3, next)
		if len(page) != 1 || page[0].ID != ids[0] || next != "" {
			t.Fatalf("%+v %q", page, next)
		}
	})

	t.Run("past the bound the oldest finished deliveries go, never a pending one", func(t *testing.T) {
		d := &Delivery{}
		due, _, _ := st.Due(t0.Add(time.Hour), 10)
		for _, x := range due {
			if x.ID == ids[1] {
				*d = x
			}
		}
		d.State = Delivered
		if err := st.Save(d); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Enqueue(&Delivery{Org: "A", Subject: "R9"}, "R9", 0, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		page, _, _ := st.Deliveries("A", 10, "")
		if len(page) != 4 {
			t.Fatalf("%d kept", len(page))
		}
		for _, x := range page {
			if x.ID == ids[1] {
				t.Fatalf("the finished delivery %s was kept, pending ones dropped", x.ID)
			}
		}
	})

	t.Run("a key notified every so often comes back once the period has passed", func(t *testing.T) {
		if kept, _ := st.Enqueue(&Delivery{Org: "C"}, "rem", 24*time.Hour, t0); !kept {
			t.Fatal("first")
		}
		if kept, _ := st.Enqueue(&Delivery{Org: "C"}, "rem", 24*time.Hour, t0.Add(23*time.Hour)); kept {
			t.Fatal("within the period")
		}
		if kept, _ := st.Enqueue(&Delivery{Org: "C"}, "rem", 24*time.Hour, t0.Add(24*time.Hour)); !kept {
			t.Fatal("after the period")
		}
	})
}
