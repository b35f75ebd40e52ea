package notify

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// maxPages bounds the pages one list of a sweep reads.
const maxPages = 1000

// sweeps sweeps at once and then every Interval until ctx ends.
func (n *Notifier) sweeps(ctx context.Context) {
	for ctx.Err() == nil {
		if err := n.sweep(ctx); err != nil && !errors.Is(err, ErrClosed) && ctx.Err() == nil {
			n.o.Logger.Warn("notify: sweep", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-n.o.Clock.After(n.o.Interval):
		}
	}
}

// sweep queues, for each organisation with a webhook, the reminders of recalls it has not
// acknowledged past their deadline, the warnings of its licences' ends, and the news of its
// cases.
func (n *Notifier) sweep(ctx context.Context) error {
	n.sweepMu.Lock()
	defer n.sweepMu.Unlock()
	return n.eachHook(ctx, func(h hook) error {
		party, err := ledger.Do(ctx, n.o.Reader, h.id, ops.GetParty, model.PartyQuery{MSPID: h.w.Org})
		if err != nil && ledger.CodeOf(err) == "" {
			return err
		}
		regulator := false
		if err == nil {
			regulator = party.Value.HasRole(model.RoleRegulator)
			if err := n.licences(h, party.Value); err != nil {
				return err
			}
		}
		if err := n.reminders(ctx, h); err != nil {
			return err
		}
		return n.cases(ctx, h, regulator)
	})
}

// sweepCases is the cases' part of a sweep, run when an alert or a case changes.
func (n *Notifier) sweepCases(ctx context.Context) error {
	n.sweepMu.Lock()
	defer n.sweepMu.Unlock()
	return n.eachHook(ctx, func(h hook) error {
		party, err := ledger.Do(ctx, n.o.Reader, h.id, ops.GetParty, model.PartyQuery{MSPID: h.w.Org})
		if err != nil && ledger.CodeOf(err) == "" {
			return err
		}
		return n.cases(ctx, h, err == nil && party.Value.HasRole(model.RoleRegulator))
	})
}

// LicenceNotice is the data of a licence's notifications.
type LicenceNotice struct {
	Licence  model.Licence `json:"licence"`
	DaysLeft int           `json:"daysLeft"` // negative once expired
	// Warning is the threshold reached (30, 7 or 1 days) of a licence.expiring.
	Warning int `json:"warning,omitempty"`
}

// licences warns of each licence 30, 7 and 1 day(s) before its end, once per threshold (the
// nearest reached), and once when it has expired (within the last 30 days).
func (n *Notifier) licences(h hook, p *model.Party) error {
	for _, l := range p.ExpiringWithin(n.o.Clock.Now(), LicenceWarnings[0]) {
		lic := h.w.Org + "|" + l.Licence.Type + "|" + l.Licence.Number + "|" + l.Licence.ValidTo
		if l.DaysLeft < 0 {
			if l.DaysLeft < -LicenceWarnings[0] {
				continue
			}
			err := n.enqueue(h.w.Org, KindLicenceExpired, l.Licence.Number, LicenceNotice{Licence: l.Licence, DaysLeft: l.DaysLeft},
				KindLicenceExpired+"|"+lic, 0)
			if err != nil {
				return err
			}
			continue
		}
		warning := 0
		for _, w := range LicenceWarnings {
			if l.DaysLeft <= w {
				warning = w
			}
		}
		err := n.enqueue(h.w.Org, KindLicenceExpiring, l.Licence.Number, LicenceNotice{Licence: l.Licence, DaysLeft: l.DaysLeft, Warning: warning},
			KindLicenceExpiring+"|"+lic+"|"+strconv.Itoa(warning), 0)
		if err != nil {
			return err
		}
	}
	return nil
}

// reminders reminds h's organisation of each started recall whose deadline has passed
// without its acknowledgement, once per recall every ReminderEvery.
func (n *Notifier) reminders(ctx context.Context, h hook) error {
	now := n.o.Clock.Now()
	bookmark := ""
	for range maxPages {
		page, err := ledger.Do(ctx, n.o.Reader, h.id, ops.ListRecalls, model.PageQuery{Bookmark: bookmark})
		if ledger.CodeOf(err) != "" {
			return nil
		}
		if err != nil {
			return err
		}
		for _, r := range page.Value.Recalls {
			if r.Current() != model.RecallStarted {
				continue
			}
			if by, err := model.ParseTime(r.AcknowledgeBy); err != nil || by.After(now) {
				continue
			}
			st, line, err := n.ownLine(ctx, h, r.ID)
			if err != nil {
				return err
			}
			if line == nil || line.Acknowledged || !line.Overdue {
				continue
			}
			err = n.enqueue(h.w.Org, KindRecallReminder, r.ID, recallNotice(st, *line, KindRecallReminder),
				KindRecallReminder+"|"+r.ID+"|"+h.w.Org, ReminderEvery)
			if err != nil {
				return err
			}
		}
		if bookmark = page.Value.Bookmark; bookmark == "" || len(page.Value.Recalls) == 0 {
			return nil
		}
	}
	return nil
}

// CaseNotice is the data of a case's notifications.
type CaseNotice struct {
	CaseID   string          `json:"caseId"`
	Kind     model.AlertKind `json:"kind"`
	State    model.CaseState `json:"state"`
	Owner    string          `json:"owner,omitempty"`
	DI       string          `json:"di,omitempty"`
	Lot      string          `json:"lot,omitempty"`
	Codes    []string        `json:"codes"`
	OpenedAt string          `json:"openedAt"`
	// NotifyBy is when the regulator must have been told of suspect product.
	NotifyBy string `json:"notifyBy,omitempty"`
	Overdue  bool   `json:"overdue,omitempty"`
}

// cases tells the owner of each open case, and every regulator, of its opening (when it
// opened after the webhook was registered and the notifier first ran) and, once, that it is
// overdue.
func (n *Notifier) cases(ctx context.Context, h hook, regulator bool) error {
	news := h.w.Created
	if n.since.After(news) {
		news = n.since
	}
	for _, state := range []model.CaseState{model.CaseOpen, model.CaseInvestigating} {
		bookmark := ""
		for range maxPages {
			page, err := ledger.Do(ctx, n.o.Reader, h.id, ops.ListCases, model.CaseListQuery{State: state, PageQuery: model.PageQuery{Bookmark: bookmark}})
			if ledger.CodeOf(err) != "" {
				return nil
			}
			if err != nil {
				return err
			}
			for _, c := range page.Value.Cases {
				if !regulator && c.Owner != h.w.Org {
					continue
				}
				notice := caseNotice(&c)
				if opened, err := model.ParseTime(c.OpenedAt); err == nil && !opened.Before(news.Truncate(time.Second)) {
					if err := n.enqueue(h.w.Org, KindCaseOpened, c.ID, notice, KindCaseOpened+"|"+c.ID+"|"+h.w.Org, 0); err != nil {
						return err
					}
				}
				if c.Overdue {
					if err := n.enqueue(h.w.Org, KindCaseOverdue, c.ID, notice, KindCaseOverdue+"|"+c.ID+"|"+h.w.Org, 0); err != nil {
						return err
					}
				}
			}
			if bookmark = page.Value.Bookmark; bookmark == "" || len(page.Value.Cases) == 0 {
				break
			}
		}
	}
	return nil
}

func caseNotice(c *model.Case) CaseNotice {
	out := CaseNotice{CaseID: c.ID, Kind: c.Kind, State: c.State, Owner: c.Owner, DI: c.DI, Lot: c.Lot, Codes: c.Codes,
		OpenedAt: c.OpenedAt, Overdue: c.Overdue}
	if opened, err := model.ParseTime(c.OpenedAt); err == nil && c.NeedsNotice() {
		out.NotifyBy = model.FormatTime(opened.Add(model.NotifyWithin * time.Hour))
	}
	return out
}
