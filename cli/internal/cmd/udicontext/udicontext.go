// Package udicontext implements `udi context`: several gateways and API keys kept in the
// configuration file, one of them current, as kubectl and gh keep theirs.
package udicontext

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdContext returns `udi context` with its subcommands.
func NewCmdContext(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context <command>",
		Short: "Keep several gateways and API keys, one of them current",
		Long: `A context is a gateway URL and the API key to use there, kept under a name in the
configuration file ($UDI_CONFIG, else $XDG_CONFIG_HOME/udi/config.yaml, else
~/.config/udi/config.yaml), written readable by its owner only (0600). Every command that asks
a gateway uses the current context unless --gateway/--api-key, --context NAME or UDI_GATEWAY/
UDI_API_KEY say otherwise. A key is never printed once stored.`,
	}
	cmd.AddCommand(newCmdAdd(f), newCmdUse(f), newCmdList(f), newCmdRemove(f))
	return cmd
}

func newCmdAdd(f *cmdutil.Factory) *cobra.Command {
	var c cmdutil.Context
	var keyStdin, use bool
	cmd := &cobra.Command{
		Use:   "add NAME --gateway URL (--api-key-stdin | --api-key KEY)",
		Short: "Add a context, or replace the one of that name",
		Long: `Add keeps a gateway and its API key under NAME. The key is best given on standard input
(--api-key-stdin): a flag shows in the process list. The first context added becomes the
current one; --use makes any one current.`,
		Example: `  echo "$KEY" | udi context add plant --gateway https://gw.plant.example --api-key-stdin
  udi context add local --gateway http://127.0.0.1:8080 --api-key udi_… --use`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&c.Gateway, "gateway", "", "gateway URL (required)")
	cmd.Flags().StringVar(&c.APIKey, "api-key", "", "API key (prefer --api-key-stdin)")
	cmd.Flags().BoolVar(&keyStdin, "api-key-stdin", false, "read the API key from the first line of standard input")
	cmd.Flags().BoolVar(&use, "use", false, "make it the current context")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c.Name = args[0]
		if err := checkName(c.Name); err != nil {
			return err
		}
		if u, err := url.Parse(c.Gateway); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cmdutil.InvalidInput(fmt.Errorf("--gateway %q: want http(s)://host[:port]", c.Gateway))
		}
		if keyStdin == (c.APIKey != "") {
			return cmdutil.InvalidInput(errors.New("give the API key with exactly one of --api-key-stdin and --api-key"))
		}
		if keyStdin {
			line, err := bufio.NewReader(f.IO.In).ReadString('\n')
			if line = strings.TrimSpace(line); line == "" {
				return cmdutil.InvalidInput(fmt.Errorf("no API key on standard input (%v)", err))
			}
			c.APIKey = line
		}
		cfg, err := cmdutil.LoadConfig(f.Getenv)
		if err != nil {
			return err
		}
		_, replaced := cfg.Find(c.Name)
		cfg.Put(c)
		if use || cfg.Current == "" {
			cfg.Current = c.Name
		}
		if err := cfg.Save(); err != nil {
			return err
		}
		verb := "added"
		if replaced {
			verb = "replaced"
		}
		fmt.Fprintf(f.IO.ErrOut, "context %s %s (%s) in %s", c.Name, verb, c.Gateway, cfg.Path())
		if cfg.Current == c.Name {
			fmt.Fprint(f.IO.ErrOut, "; it is the current context")
		}
		fmt.Fprintln(f.IO.ErrOut)
		return nil
	}
	return cmd
}

// checkName keeps names to what reads well in a list and a flag.
func checkName(name string) error {
	for _, r := range name {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return cmdutil.InvalidInput(fmt.Errorf("context name %q: use letters, digits, '-', '_' and '.'", name))
		}
	}
	if name == "" || len(name) > 64 {
		return cmdutil.InvalidInput(fmt.Errorf("context name %q: 1 to 64 characters", name))
	}
	return nil
}

func newCmdUse(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "use NAME",
		Short: "Make a context the current one",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cmdutil.LoadConfig(f.Getenv)
			if err != nil {
				return err
			}
			if _, ok := cfg.Find(args[0]); !ok {
				return cmdutil.InvalidInput(fmt.Errorf("no context %q (udi context list shows them)", args[0]))
			}
			cfg.Current = args[0]
			if err := cfg.Save(); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "current context: %s\n", args[0])
			return nil
		},
	}
}

// listed is a context as list shows it: never its key.
type listed struct {
	Name    string `json:"name"`
	Gateway string `json:"gateway"`
	HasKey  bool   `json:"hasKey"`
	Current bool   `json:"current"`
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var out cmdutil.Output
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the contexts; the current one is marked *",
		Long: `List prints each context's name and gateway and whether it holds a key, never the key.
When UDI_GATEWAY or UDI_API_KEY is set, it says so: they win over the current context.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Check(); err != nil {
				return err
			}
			cfg, err := cmdutil.LoadConfig(f.Getenv)
			if err != nil {
				return err
			}
			rows := make([]listed, 0, len(cfg.Contexts))
			for _, c := range cfg.Contexts {
				rows = append(rows, listed{Name: c.Name, Gateway: c.Gateway, HasKey: c.APIKey != "", Current: c.Name == cfg.Current})
			}
			if out.JSON() {
				return cmdutil.WriteJSON(f.IO.Out, rows)
			}
			t := cmdutil.NewTable(f.IO.Out, "CURRENT", "NAME", "GATEWAY", "KEY")
			for _, r := range rows {
				cur, key := "", "none"
				if r.Current {
					cur = "*"
				}
				if r.HasKey {
					key = "stored"
				}
				t.Row(cur, r.Name, r.Gateway, key)
			}
			if err := t.Flush(); err != nil {
				return err
			}
			for _, env := range []string{"UDI_GATEWAY", "UDI_API_KEY"} {
				if f.Getenv(env) != "" {
					fmt.Fprintf(f.IO.ErrOut, "note: %s is set and wins over the current context\n", env)
				}
			}
			return nil
		},
	}
	cmdutil.AddOutputFlag(cmd, &out)
	return cmd
}

func newCmdRemove(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm"},
		Short:   "Remove a context and its key",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cmdutil.LoadConfig(f.Getenv)
			if err != nil {
				return err
			}
			wasCurrent := cfg.Current == args[0]
			if !cfg.Remove(args[0]) {
				return cmdutil.InvalidInput(fmt.Errorf("no context %q (udi context list shows them)", args[0]))
			}
			if err := cfg.Save(); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "context %s removed", args[0])
			if wasCurrent {
				fmt.Fprint(f.IO.ErrOut, "; no context is current now (udi context use NAME)")
			}
			fmt.Fprintln(f.IO.ErrOut)
			return nil
		},
	}
}
