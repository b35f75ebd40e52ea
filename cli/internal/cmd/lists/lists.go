// Package lists implements `udi units`, `udi events` and `udi alerts`: what a party holds,
// the events of a time window or of one code, and the alerts, read through a gateway and
// printed with -o table|json|yaml|csv.
package lists

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdUnits returns `udi units`.
func NewCmdUnits(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var holder, status, lot string
	cmd := &cobra.Command{
		Use:   "units (--holder MSP [--status S] [--lot DI/LOT] | --lot DI/LOT)",
		Short: "What a party holds (units and containers), or where a lot's stock is",
		Long: `With --holder, the units and containers the party holds at top level (query:UnitsByHolder;
a party sees its own, a regulator everyone's), filtered by --status (active, in_transit,
quarantined, recalled, expired…) and --lot (a unit of the lot, or a container holding some).
With --lot alone, the lot's lot-controlled quantities per holder and in transit
(query:Stock).`,
		Example: `  udi units --holder DistributorOrgMSP
  udi units --holder HospitalOrgMSP --status quarantined -o csv > held.csv
  udi units --lot 06901234000054/L2026-12`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&holder, "holder", "", "MSP ID of the holding party")
	cmd.Flags().StringVar(&status, "status", "", "only holdings of this status")
	cmd.Flags().StringVar(&lot, "lot", "", "only this lot (DI/LOT)")
	_ = cmd.RegisterFlagCompletionFunc("holder", cmdutil.Complete(&g, cmdutil.PartyIDs))
	_ = cmd.RegisterFlagCompletionFunc("lot", cmdutil.Complete(&g, cmdutil.Lots))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		var di, l string
		if lot != "" {
			var err error
			if di, l, err = cmdutil.SplitLot(lot); err != nil {
				return err
			}
		}
		switch {
		case holder != "":
			all, err := cmdutil.ListAll(cmd.Context(), g, ops.UnitsByHolder,
				func(b string) model.HolderQuery {
					return model.HolderQuery{MSPID: holder, PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b}}
				},
				func(p *model.HoldingPage) ([]model.Holding, model.Page) { return p.Holdings, p.Page })
			if err != nil {
				return err
			}
			return out.Print(f.IO.Out, holdings(filterHoldings(all, model.Status(status), di, l)))
		case lot != "" && status == "":
			sv, err := cmdutil.Call(cmd.Context(), g, ops.Stock, model.CodeQuery{Code: lotCode(di, l)})
			if err != nil {
				return err
			}
			return out.Print(f.IO.Out, stock(*sv))
		}
		return cmdutil.InvalidInput(fmt.Errorf("give --holder (with --status or --lot to filter), or --lot alone for a lot's stock"))
	}
	return cmd
}

// lotCode names a lot without a serial, as query:Stock reads it: a GS1 element string for a
// GTIN, else DI and lot as the ledger's drug codes are keyed.
func lotCode(di, lot string) string {
	return "(01)" + di + "(10)" + lot
}

func filterHoldings(all []model.Holding, status model.Status, di, lot string) []model.Holding {
	out := []model.Holding{}
	for _, h := range all {
		if status != "" && h.Status != status {
			continue
		}
		if lot != "" && !(h.DI == di && h.Lot == lot) && !slices.ContainsFunc(h.Contents, func(c model.LotCount) bool { return c.DI == di && c.Lot == lot }) {
			continue
		}
		out = append(out, h)
	}
	return out
}

func holdings(hs []model.Holding) cmdutil.List {
	l := cmdutil.List{Columns: []string{"CODE", "KIND", "STATUS", "DI", "LOT", "UNITS", "LOCATION"}, Value: hs}
	for _, h := range hs {
		kind, di, lot := "unit", h.DI, h.Lot
		if h.Container {
			kind = "container"
			switch len(h.Contents) {
			case 0:
			case 1:
				di, lot = h.Contents[0].DI, h.Contents[0].Lot
			default:
				di, lot = "", fmt.Sprintf("%d lots", len(h.Contents))
			}
		}
		l.Add(h.Code, kind, string(h.Status), di, lot, strconv.Itoa(h.UnitCount), h.Location)
	}
	return l
}

func stock(sv model.StockView) cmdutil.List {
	l := cmdutil.List{Columns: []string{"HOLDER", "STATE", "FROM", "DI", "LOT", "QUANTITY"}, Value: sv}
	for _, part := range []struct {
		state string
		lines []model.Stock
	}{
		{"in stock", sv.InStock}, {"in transit", sv.InTransit}, {"returning", sv.Returning}, {"returned", sv.Returned},
		{"destroyed", sv.Destroyed}, {"decommissioned", sv.Decommissioned},
	} {
		for _, s := range part.lines {
			l.Add(s.Holder, part.state, s.From, s.DI, s.Lot, strconv.Itoa(s.Quantity))
		}
	}
	return l
}

// NewCmdEvents returns `udi events`.
func NewCmdEvents(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var from, to, code string
	var limit int
	cmd := &cobra.Command{
		Use:   "events [--from TIME] [--to TIME] [--code CODE]",
		Short: "Events of a time window, or of one code",
		Long: `The events the caller may see (ADR 012) recorded from --from (inclusive) to --to (exclusive),
in time order (query:EventsByTime); with --code, the code's provenance (its containers' events
included, query:Provenance), cut to the window if one is given. Times are RFC 3339
(2026-12-02T08:00:00+08:00) or a UTC day (2026-12-02). --limit stops after so many events.`,
		Example: `  udi events --from 2026-12-01 --to 2026-12-02
  udi events --code '(01)06901234000054(21)A1' -o yaml`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&from, "from", "", "from this time (inclusive)")
	cmd.Flags().StringVar(&to, "to", "", "to this time (exclusive)")
	cmd.Flags().StringVar(&code, "code", "", "the events of this code (any form udi parse reads)")
	cmd.Flags().IntVar(&limit, "limit", 10000, "at most this many events (0: all)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		q, err := window(from, to)
		if err != nil {
			return err
		}
		if limit < 0 {
			return cmdutil.InvalidInput(fmt.Errorf("--limit %d: want 0 or more", limit))
		}
		var events []model.Event
		if code != "" {
			if _, err := identifier.Parse(code); err != nil {
				return cmdutil.InvalidInput(fmt.Errorf("code %q: %w", code, err))
			}
			p, err := cmdutil.Call(cmd.Context(), g, ops.Provenance, model.CodeQuery{Code: code})
			if err != nil {
				return err
			}
			for _, e := range p.Events {
				if q.contains(e.Event.EventTime) && (limit == 0 || len(events) < limit) {
					events = append(events, e.Event)
				}
			}
		} else {
			for bookmark := ""; ; {
				page, err := cmdutil.Call(cmd.Context(), g, ops.EventsByTime, model.TimeQuery{From: q.From, To: q.To,
					PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark}})
				if err != nil {
					return err
				}
				events = append(events, page.Events...)
				if limit > 0 && len(events) >= limit {
					events = events[:limit]
					break
				}
				if bookmark = page.NextBookmark(); bookmark == "" {
					break
				}
			}
		}
		if events == nil {
			events = []model.Event{}
		}
		return out.Print(f.IO.Out, eventList(events))
	}
	return cmd
}

type timeWindow struct{ model.TimeQuery }

// window reads --from and --to (cmdutil.ParseTime).
func window(from, to string) (timeWindow, error) {
	var w timeWindow
	var err error
	if from != "" {
		if w.From, err = cmdutil.ParseTime("--from", from); err != nil {
			return w, err
		}
	}
	if to != "" {
		w.To, err = cmdutil.ParseTime("--to", to)
	}
	return w, err
}

// contains reports whether the RFC 3339 time s is in the window.
func (w timeWindow) contains(s string) bool {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return w.From == "" && w.To == ""
	}
	if from, err := time.Parse(time.RFC3339Nano, w.From); err == nil && t.Before(from) {
		return false
	}
	if to, err := time.Parse(time.RFC3339Nano, w.To); err == nil && !t.Before(to) {
		return false
	}
	return true
}

func eventList(events []model.Event) cmdutil.List {
	l := cmdutil.List{Columns: []string{"TIME", "TYPE", "ACTION", "BIZSTEP", "ACTOR", "CODES", "EVENT ID", "TX"}, Value: events}
	for _, e := range events {
		l.Add(e.EventTime, string(e.Type), string(e.Action), string(e.BizStep), e.Actor, strconv.Itoa(codeCount(e)), e.EventID, e.TxID)
	}
	return l
}

func codeCount(e model.Event) int {
	n := len(e.EPCList) + len(e.ChildEPCs) + len(e.QuantityList)
	if e.ParentID != "" {
		n++
	}
	return n
}

// NewCmdAlerts returns `udi alerts`.
func NewCmdAlerts(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var kind string
	cmd := &cobra.Command{
		Use:   "alerts [--kind KIND]",
		Short: "Alerts: temperature excursions, suspected clones and counterfeits",
		Long: `The alerts the caller may see (query:Alerts): a party those it raised, a manufacturer those on its
products, a regulator all. --kind keeps one kind: temperature_excursion, clone_suspected or
counterfeit_suspected.`,
		Example: `  udi alerts
  udi alerts --kind temperature_excursion -o csv`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&kind, "kind", "", "only this kind")
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions([]string{string(model.AlertTemperature), string(model.AlertClone), string(model.AlertCounterfeit)}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		all, err := ListAlerts(cmd.Context(), g)
		if err != nil {
			return err
		}
		shown := []model.Alert{}
		for _, a := range all {
			if kind == "" || string(a.Kind) == kind {
				shown = append(shown, a)
			}
		}
		return out.Print(f.IO.Out, AlertList(shown))
	}
	return cmd
}

// ListAlerts reads every alert the caller may see.
func ListAlerts(ctx context.Context, g cmdutil.Gateway) ([]model.Alert, error) {
	return cmdutil.ListAll(ctx, g, ops.Alerts,
		func(b string) model.PageQuery { return model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b} },
		func(p *model.AlertPage) ([]model.Alert, model.Page) { return p.Alerts, p.Page })
}

// AlertList is alerts as a list.
func AlertList(as []model.Alert) cmdutil.List {
	l := cmdutil.List{Columns: []string{"TIME", "KIND", "PARTY", "CODES", "LOCATION", "ID", "MESSAGE"}, Value: as}
	for _, a := range as {
		l.Add(a.Time, string(a.Kind), a.Party, strings.Join(a.Codes, " "), a.Location, a.ID, a.Message)
	}
	return l
}
