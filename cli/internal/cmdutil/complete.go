package cmdutil

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// completionTimeout bounds the gateway's answer to a completion: a shell waits for it.
const completionTimeout = 3 * time.Second

// Values lists known values of one kind from the gateway, for shell completion.
type Values func(ctx context.Context, g Gateway) ([]string, error)

// Complete completes a flag or an argument from the gateway the command's flags, the
// environment or the context name, as the command itself would reach it. A gateway that cannot
// be reached completes nothing: the shell neither hangs nor prints an error.
func Complete(g *Gateway, values Values) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		once := *g
		once.RetryFor = 0 // a shell waits for no retry
		all, err := values(ctx, once)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		for _, v := range all {
			if strings.HasPrefix(v, prefix) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteFirstArg is Complete for a command's first argument only.
func CompleteFirstArg(g *Gateway, values Values) cobra.CompletionFunc {
	c := Complete(g, values)
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return c(cmd, args, prefix)
	}
}

// PartyIDs are the MSP IDs of the parties on the ledger.
func PartyIDs(ctx context.Context, g Gateway) ([]string, error) {
	all, err := ListAll(ctx, g, ops.ListParties,
		func(b string) model.PageQuery { return model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b} },
		func(p *model.PartyPage) ([]model.Party, model.Page) { return p.Parties, p.Page })
	out := make([]string, len(all))
	for i, p := range all {
		out[i] = p.MSPID
	}
	return out, err
}

// RecallIDs are the IDs of the recalls.
func RecallIDs(ctx context.Context, g Gateway) ([]string, error) {
	all, err := ListAll(ctx, g, ops.ListRecalls,
		func(b string) model.PageQuery { return model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b} },
		func(p *model.RecallPage) ([]model.Recall, model.Page) { return p.Recalls, p.Page })
	out := make([]string, len(all))
	for i, r := range all {
		out[i] = r.ID
	}
	return out, err
}

// Lots are the lots on the ledger, as DI/LOT.
func Lots(ctx context.Context, g Gateway) ([]string, error) {
	all, err := ListAll(ctx, g, ops.ListLots,
		func(b string) model.LotListQuery {
			return model.LotListQuery{PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b}}
		},
		func(p *model.LotPage) ([]model.Lot, model.Page) { return p.Lots, p.Page })
	out := make([]string, len(all))
	for i, l := range all {
		out[i] = l.DI + "/" + l.Lot
	}
	return out, err
}
