package epcis

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// QueryOptions are the flags of udi epcis query.
type QueryOptions struct {
	Type, From, To, BizStep string
	EPCs, Params            []string
	Limit                   int
}

func newCmdQuery(f *cmdutil.Factory) *cobra.Command {
	var o QueryOptions
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{
		Use:   "query [--type T] [--from TIME] [--to TIME] [--biz-step S] [--epc EPC]... [--param KEY=VALUE]...",
		Short: "Query events with the EPCIS 2.0 SimpleEventQuery parameters",
		Long: `Query asks GET /epcis/events, the EPCIS 2.0 SimpleEventQuery over the events the caller may see,
and follows nextPageToken until --limit events (0: all). The flags are the standard's
parameters: --type (eventType), --from (GE_eventTime), --to (LT_eventTime), --biz-step
(EQ_bizStep, a CBV step such as shipping or its URI), --epc (MATCH_epc; repeated, any match);
--param KEY=VALUE adds any other (EQ_action=OBSERVE, EQ_disposition=in_transit,
MATCH_anyEPC=…, GE_recordTime=…; docs/epcis.md lists what the gateway reads). Times are RFC 3339
or a day. The table shows a row per event; -o json prints the EPCISQueryDocument (pages
joined into one), -o yaml the same.`,
		Example: `  udi epcis query --biz-step shipping --from 2026-12-01
  udi epcis query --epc 'https://id.gs1.org/01/06901234000016/21/A1' -o json
  udi epcis query --type AggregationEvent --param EQ_action=ADD --limit 50`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringVar(&o.Type, "type", "", "eventType: ObjectEvent, AggregationEvent, TransactionEvent…")
	fl.StringVar(&o.From, "from", "", "GE_eventTime: from this time (inclusive)")
	fl.StringVar(&o.To, "to", "", "LT_eventTime: to this time (exclusive)")
	fl.StringVar(&o.BizStep, "biz-step", "", "EQ_bizStep: commissioning, shipping, receiving…")
	fl.StringArrayVar(&o.EPCs, "epc", nil, "MATCH_epc: an EPC (URN, Digital Link or any code form); repeat for any of several")
	fl.StringArrayVar(&o.Params, "param", nil, "another query parameter, KEY=VALUE (repeat for more)")
	fl.IntVar(&o.Limit, "limit", 1000, "at most this many events (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]string{"ObjectEvent", "AggregationEvent", "TransactionEvent"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		q, err := o.query()
		if err != nil {
			return err
		}
		c, err := g.REST()
		if err != nil {
			return err
		}
		doc, events, err := o.run(cmd.Context(), c, q)
		if err != nil {
			return err
		}
		l := cmdutil.List{Columns: []string{"TIME", "TYPE", "ACTION", "BIZSTEP", "EPCS", "EVENT ID"}, Value: doc}
		for _, e := range events {
			l.Add(str(e["eventTime"]), str(e["type"]), str(e["action"]), str(e["bizStep"]), strconv.Itoa(epcCount(e)), str(e["eventID"]))
		}
		return out.Print(f.IO.Out, l)
	}
	return cmd
}

// query builds the query parameters from the flags.
func (o QueryOptions) query() (url.Values, error) {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("eventType", o.Type)
	set("EQ_bizStep", o.BizStep)
	for _, t := range []struct{ flag, param, v string }{{"--from", "GE_eventTime", o.From}, {"--to", "LT_eventTime", o.To}} {
		if t.v == "" {
			continue
		}
		s, err := cmdutil.ParseTime(t.flag, t.v)
		if err != nil {
			return nil, err
		}
		q.Set(t.param, s)
	}
	if len(o.EPCs) > 0 {
		epcs := make([]string, len(o.EPCs))
		for i, e := range o.EPCs {
			epcs[i] = epcURI(e)
		}
		q.Set("MATCH_epc", strings.Join(epcs, "|"))
	}
	for _, p := range o.Params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, cmdutil.InvalidInput(fmt.Errorf("--param %q: want KEY=VALUE", p))
		}
		if k == "nextPageToken" {
			return nil, cmdutil.InvalidInput(fmt.Errorf("--param %s: udi follows the pages itself (--limit)", k))
		}
		q.Add(k, v)
	}
	if o.Limit < 0 {
		return nil, cmdutil.InvalidInput(fmt.Errorf("--limit %d: want 0 or more", o.Limit))
	}
	if o.Limit > 0 && q.Get("perPage") == "" {
		q.Set("perPage", strconv.Itoa(min(o.Limit, 1000)))
	}
	return q, nil
}

// run reads the pages: the first page's document with every page's events in its eventList,
// and the events.
func (o QueryOptions) run(ctx context.Context, c *cmdutil.REST, q url.Values) (map[string]any, []map[string]any, error) {
	var first map[string]any
	var events []map[string]any
	path, query := "/epcis/events", q
	for {
		var doc map[string]any
		res, err := c.GetJSON(ctx, path, query, &doc)
		if err != nil {
			return nil, nil, err
		}
		page := eventList(doc)
		for _, e := range page {
			if m, ok := e.(map[string]any); ok {
				events = append(events, m)
			}
		}
		if first == nil {
			first = doc
		}
		if o.Limit > 0 && len(events) >= o.Limit {
			events = events[:o.Limit]
			break
		}
		next := nextLink(res.Header.Get("Link"))
		if next == "" || len(page) == 0 && next == path {
			break
		}
		path, query = next, nil
	}
	list := make([]any, len(events))
	for i, e := range events {
		list[i] = e
	}
	setEventList(first, list)
	return first, events, nil
}

// resultsBody is the part of an EPCISQueryDocument that holds the eventList.
func resultsBody(doc map[string]any) map[string]any {
	body, _ := doc["epcisBody"].(map[string]any)
	qr, _ := body["queryResults"].(map[string]any)
	rb, _ := qr["resultsBody"].(map[string]any)
	return rb
}

func eventList(doc map[string]any) []any {
	l, _ := resultsBody(doc)["eventList"].([]any)
	return l
}

func setEventList(doc map[string]any, events []any) {
	if rb := resultsBody(doc); rb != nil {
		rb["eventList"] = events
	}
}

// nextLink is the target of a Link header's rel="next", "" when there is none.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(part, ";")
		if ok && strings.Contains(params, `rel="next"`) {
			return strings.Trim(strings.TrimSpace(target), "<>")
		}
	}
	return ""
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// epcCount counts the EPCs an event names: epcList, childEPCs, parentID, quantities.
func epcCount(e map[string]any) int {
	n := 0
	for _, k := range []string{"epcList", "childEPCs", "quantityList", "childQuantityList", "inputEPCList", "outputEPCList"} {
		if l, ok := e[k].([]any); ok {
			n += len(l)
		}
	}
	if e["parentID"] != nil {
		n++
	}
	return n
}

// epcURI writes a code given in any form the ledger reads (an element string, a drug trace
// code) as the URI EPCIS queries take: its GS1 Digital Link, or the ledger's code URI. URIs
// (EPC URNs, Digital Links, patterns) pass as given.
func epcURI(s string) string {
	if strings.Contains(s, ":") {
		return s
	}
	c, err := identifier.Parse(s)
	if err != nil {
		return s // the gateway names what is wrong with it
	}
	return epcis.CodeURI(c.Key)
}
