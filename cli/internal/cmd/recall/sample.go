package recall

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// levelShares are the shares of consignees an effectiveness check of each FDA level reaches
// (21 CFR 7.42(b)(3)); level B's is chosen per recall, between 10 % and 100 %.
var levelShares = map[model.EffectivenessLevel]float64{"A": 1, "C": 0.10, "D": 0.02, "E": 0}

// newCmdSample draws the consignees a regulator checks at an effectiveness level.
func newCmdSample(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sample ID --level A|B|C|D|E",
		Short: "Draw the holders to check at an FDA effectiveness level (a regulator), to record with udi recall check",
		Long: `Draws at random the consignees of a recall to check at an FDA effectiveness level: A all of
them, B the share given with --percent (more than 10, less than 100), C 10 %, D 2 %, E none; at
least one when the level checks any. The consignees are the holders the recall's depth reaches
and those that acknowledged it (a holder that gave everything back is still one); the recalling
firm's own stock of returned goods is not. Each drawn holder is then checked and its result
recorded with 'udi recall check'. --seed repeats a draw.`,
		Example: "  udi recall sample RC-2026-118 --level C\n  udi recall sample RC-2026-118 --level B --percent 25 -o csv",
		Args:    cobra.ExactArgs(1),
	}
	var g cmdutil.Gateway
	var out cmdutil.Output
	var level string
	var percent float64
	var seed uint64
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&level, "level", "", "effectiveness check level: A, B, C, D or E")
	cmd.Flags().Float64Var(&percent, "percent", 0, "level B: the share of consignees to check, in percent (10 < p < 100)")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "draw with this seed (0: a new draw each time)")
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&g, cmdutil.RecallIDs)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		share, err := sampleShare(model.EffectivenessLevel(level), percent)
		if err != nil {
			return err
		}
		st, err := cmdutil.Call(cmd.Context(), g, ops.RecallScope, model.ScopeQuery{RecallID: args[0]})
		if err != nil {
			return err
		}
		all := consignees(st)
		drawn := draw(all, share, seed)
		l := cmdutil.List{Columns: []string{"HOLDER", "ACKNOWLEDGED"}, Value: drawn}
		acked := map[string]bool{}
		for _, a := range st.Acknowledgements {
			acked[a.MSPID] = true
		}
		for _, h := range drawn {
			l.Add(h, yesNo(acked[h]))
		}
		fmt.Fprintf(f.IO.ErrOut, "recall %s, level %s: %d of %d consignees to check; record each with: udi recall check %s --holder MSP --level %s\n",
			st.Recall.ID, level, len(drawn), len(all), st.Recall.ID, level)
		return out.Print(f.IO.Out, l)
	}
	return cmd
}

// sampleShare is the share of consignees a check of level reaches.
func sampleShare(level model.EffectivenessLevel, percent float64) (float64, error) {
	if level == "B" {
		if percent <= 10 || percent >= 100 {
			return 0, cmdutil.InvalidInput(fmt.Errorf("--level B needs --percent more than 10 and less than 100, got %g", percent))
		}
		return percent / 100, nil
	}
	share, ok := levelShares[level]
	if !ok {
		return 0, cmdutil.InvalidInput(fmt.Errorf("--level must be A, B, C, D or E, got %q", level))
	}
	if percent != 0 {
		return 0, cmdutil.InvalidInput(fmt.Errorf("--percent is for level B only"))
	}
	return share, nil
}

// consignees are the holders a recall reaches, in MSP ID order: those with goods in the
// depth's reach and those that acknowledged, but the initiator and a holder of nothing but
// goods that came back (the recalling firm).
func consignees(st *model.RecallStatus) []string {
	var out []string
	for _, h := range st.Holders {
		c := h.Counts
		back := c.Returned + c.Destroyed + c.Reworked + c.Decommissioned
		if h.InDepth && c.Total > back {
			out = append(out, h.Holder)
		}
	}
	for _, a := range st.Acknowledgements {
		out = append(out, a.MSPID)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return slices.DeleteFunc(out, func(h string) bool { return h == st.Recall.InitiatedBy })
}

// draw picks ceil(share × len(all)) of all at random (at least one when share > 0), in
// MSP ID order; seed 0 draws anew.
func draw(all []string, share float64, seed uint64) []string {
	n := int(math.Ceil(share * float64(len(all))))
	if share > 0 && n == 0 && len(all) > 0 {
		n = 1
	}
	n = min(n, len(all))
	var r *rand.Rand
	if seed != 0 {
		r = rand.New(rand.NewPCG(seed, seed)) // #nosec G404 -- a sample to check, not a secret
	} else {
		r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())) // #nosec G404 -- a sample to check, not a secret
	}
	picked := slices.Clone(all)
	r.Shuffle(len(picked), func(i, j int) { picked[i], picked[j] = picked[j], picked[i] })
	picked = picked[:n]
	slices.Sort(picked)
	return picked
}
