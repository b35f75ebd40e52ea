// Package apikey implements `udi apikey new`: a fresh API key for a gateway's configuration.
package apikey

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/auth"
)

// Options are the flags of `udi apikey new`.
type Options struct {
	IO       cmdutil.IOStreams
	Name     string
	Identity string
	Role     string
	Format   string
}

// NewCmdAPIKey returns `udi apikey` with its subcommand.
func NewCmdAPIKey(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "apikey <command>", Short: "Make API keys for a gateway's configuration"}
	cmd.AddCommand(NewCmdNew(f, nil))
	return cmd
}

// NewCmdNew returns `udi apikey new`. runF replaces the run for tests.
func NewCmdNew(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "new --name NAME --identity IDENTITY --role ROLE",
		Short: "Make a new API key and the api_keys entry that maps its hash to an identity",
		Long: `New makes a random API key. It prints the key once, on standard error, for whoever will
call the gateway, and on standard output the api_keys entry for the gateway's configuration
file, which holds only the key's SHA-256 hash. Nothing is stored: a lost key is replaced by a
new one.`,
		Example: `  udi apikey new --name his-integration --identity pharmacy-desk --role hospital >> gateway.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			operator := opts.Role == auth.RoleOperator
			switch {
			case opts.Name == "":
				return cmdutil.InvalidInput(fmt.Errorf("--name is required"))
			case operator && opts.Identity != "":
				return cmdutil.InvalidInput(fmt.Errorf("an operator's key signs nothing: give no --identity"))
			case !operator && opts.Identity == "":
				return cmdutil.InvalidInput(fmt.Errorf("--identity is required (only --role %s takes none)", auth.RoleOperator))
			case !operator && !model.Role(opts.Role).Valid():
				return cmdutil.InvalidInput(fmt.Errorf("--role %q: want one of %v, or %s", opts.Role, model.Roles, auth.RoleOperator))
			}
			if _, err := cmdutil.ParseFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "a label for logs, e.g. the calling system")
	cmd.Flags().StringVar(&opts.Identity, "identity", "", "the configuration's identity the gateway signs with for this key")
	cmd.Flags().StringVar(&opts.Role, "role", "", "the party role of the caller, or operator (reads metrics and docs, signs nothing)")
	cmd.Flags().StringVarP(&opts.Format, "output", "o", "table", "table: the YAML entry; json: key and hash as JSON on standard output")
	return cmd
}

func run(o *Options) error {
	key, hash, err := auth.NewKey()
	if err != nil {
		return err
	}
	if o.Format == string(cmdutil.FormatJSON) {
		return json.NewEncoder(o.IO.Out).Encode(map[string]string{
			"name": o.Name, "identity": o.Identity, "role": o.Role, "key": key, "hash": hash,
		})
	}
	fmt.Fprintf(o.IO.ErrOut, "API key for %s (shown once, give it to the caller): %s\n", o.Name, key)
	if o.Identity == "" {
		fmt.Fprintf(o.IO.Out, "  - {name: %s, hash: %q, role: %s}\n", o.Name, hash, o.Role)
		return nil
	}
	fmt.Fprintf(o.IO.Out, "  - {name: %s, hash: %q, identity: %s, role: %s}\n", o.Name, hash, o.Identity, o.Role)
	return nil
}
