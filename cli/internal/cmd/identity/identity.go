// Package identity implements `udi identity register|enroll|list`: people's identities at their
// organisation's Fabric CA on the local network (see network/fabricca/caclient and
// gateway/identity).
package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// Options are the flags of the identity subcommands.
type Options struct {
	IO cmdutil.IOStreams

	RunDir         string
	WalletDir      string
	Org            string
	Name           string
	Role           string
	Secret         string
	MaxEnrollments int
	Format         string
}

// NewCmdIdentity returns `udi identity` with its register, enroll and list subcommands.
func NewCmdIdentity(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "identity <command>",
		Short: "Register and enrol people at their organisation's Fabric CA",
		Long: `Register, enrol and list people's identities at an organisation's Fabric CA on the local
network (one CA per organisation, on the organisation's address, port 7054).

A person is registered with a role (` + roleList(" or ") + `),
which the CA writes into each certificate it issues them as the attribute "role"; the
chaincode reads it. Enrolling stores the certificate and its private key in the wallet, an
MSP folder per person: <wallet>/<MSP ID>/<name>/msp.

The CAs' addresses and registrars are read from <run-dir>/ca/cas.json.`,
	}
	cmd.AddCommand(NewCmdRegister(f, nil), NewCmdEnroll(f, nil), NewCmdList(f, nil))
	return cmd
}

func addCommonFlags(cmd *cobra.Command, opts *Options) {
	cmd.Flags().StringVar(&opts.RunDir, "run-dir", "", "directory of the network's state (default network/run)")
	cmd.Flags().StringVar(&opts.Org, "org", "", "organisation, by name or MSP ID (e.g. HospitalOrg)")
	cmd.Flags().StringVarP(&opts.Format, "output", "o", "table", "output format: table or json")
}

// validate checks what every subcommand shares, then the subcommand's own rules.
func validate(opts *Options, needName, needSecret, needRole bool) error {
	if _, err := cmdutil.ParseFormat(opts.Format); err != nil {
		return err
	}
	if opts.Org == "" {
		return cmdutil.InvalidInput(errors.New("--org is required"))
	}
	if needName && opts.Name == "" {
		return cmdutil.InvalidInput(errors.New("--name is required"))
	}
	if needSecret && opts.Secret == "" {
		return cmdutil.InvalidInput(errors.New("--secret is required"))
	}
	if needRole && !model.Role(opts.Role).Valid() {
		return cmdutil.InvalidInput(fmt.Errorf("--role %q: want one of %s", opts.Role, roleList(", ")))
	}
	if opts.MaxEnrollments < 0 {
		return cmdutil.InvalidInput(errors.New("--max-enrollments must not be negative"))
	}
	return nil
}

// roleList names every role (model.Roles), the last after lastSep.
func roleList(lastSep string) string {
	names := make([]string, len(model.Roles))
	for i, r := range model.Roles {
		names[i] = string(r)
	}
	if lastSep == ", " || len(names) < 2 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:len(names)-1], ", ") + lastSep + names[len(names)-1]
}

// NewCmdRegister returns `udi identity register`.
func NewCmdRegister(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "register --org ORG --name NAME --role ROLE [--secret SECRET]",
		Short: "Register a person with a role; prints their enrolment secret",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validate(opts, true, false, true); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return registerRun(cmd.Context(), opts)
		},
	}
	addCommonFlags(cmd, opts)
	cmd.Flags().StringVar(&opts.Name, "name", "", "enrolment ID of the person")
	cmd.Flags().StringVar(&opts.Role, "role", "", "role written into their certificates")
	cmd.Flags().StringVar(&opts.Secret, "secret", "", "enrolment secret (default: chosen by the CA)")
	cmd.Flags().IntVar(&opts.MaxEnrollments, "max-enrollments", 0, "how many times the secret may enrol (default: the CA's, unlimited)")
	return cmd
}

// NewCmdEnroll returns `udi identity enroll`.
func NewCmdEnroll(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "enroll --org ORG --name NAME --secret SECRET",
		Short: "Enrol a registered person and store their certificate and key in the wallet",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validate(opts, true, true, false); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return enrollRun(cmd.Context(), opts)
		},
	}
	addCommonFlags(cmd, opts)
	cmd.Flags().StringVar(&opts.Name, "name", "", "enrolment ID of the person")
	cmd.Flags().StringVar(&opts.Secret, "secret", "", "their enrolment secret")
	cmd.Flags().StringVar(&opts.WalletDir, "wallet", "", "wallet directory (default <run-dir>/wallet)")
	return cmd
}

// NewCmdList returns `udi identity list`.
func NewCmdList(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "list --org ORG",
		Short: "List the identities registered at an organisation's CA",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validate(opts, false, false, false); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	addCommonFlags(cmd, opts)
	return cmd
}

// client finds the organisation's CA in the run directory and returns a client of it.
func (o *Options) client() (*identity.Client, error) {
	runDir := o.RunDir
	if runDir == "" {
		root, err := fabricnet.FindModuleRoot("")
		if err != nil {
			return nil, fmt.Errorf("give --run-dir or run udi identity inside the udiledger repository: %w", err)
		}
		runDir = filepath.Join(root, "network", "run")
	}
	cas, err := fabricca.Load(runDir)
	if errors.Is(err, fabricca.ErrNoCAs) {
		return nil, fmt.Errorf("%w (bring the network up with `udi network up`)", err)
	}
	if err != nil {
		return nil, err
	}
	ca, ok := fabricca.Find(cas, o.Org)
	if !ok {
		var names []string
		for _, c := range cas {
			names = append(names, c.Org)
		}
		return nil, cmdutil.InvalidInput(fmt.Errorf("--org %q: no CA of that organisation in %s (have %s)", o.Org, runDir, strings.Join(names, ", ")))
	}
	wallet := o.WalletDir
	if wallet == "" {
		wallet = filepath.Join(runDir, "wallet")
	}
	c, err := caclient.New(ca, wallet)
	if err != nil {
		return nil, exitError(err)
	}
	return c, nil
}

// exitError gives an error of the identity package its exit code: a request refused before or
// by the CA is invalid input or a rejection, anything else a failure.
func exitError(err error) error {
	var ce *identity.CAError
	switch {
	case errors.Is(err, identity.ErrInvalid):
		return cmdutil.InvalidInput(err)
	case errors.As(err, &ce):
		return &cmdutil.ExitError{Code: cmdutil.ExitRejected, Err: err}
	}
	return err
}

func registerRun(ctx context.Context, opts *Options) error {
	c, err := opts.client()
	if err != nil {
		return err
	}
	defer c.Close()
	secret, err := c.Register(ctx, identity.Registration{
		Name: opts.Name, Role: model.Role(opts.Role), Secret: opts.Secret, MaxEnrollments: opts.MaxEnrollments,
	})
	if err != nil {
		return exitError(err)
	}
	ca := c.CA()
	out := registered{Name: opts.Name, Org: ca.Org, MSPID: ca.MSPID, Role: opts.Role, Secret: secret}
	if opts.Format == string(cmdutil.FormatJSON) {
		return writeJSON(opts.IO.Out, out)
	}
	fmt.Fprintf(opts.IO.ErrOut, "registered %s at %s; enrol with: udi identity enroll --org %s --name %s --secret <secret>\n",
		out.Name, ca.Name, out.Org, out.Name)
	return writeTable(opts.IO.Out, []string{"NAME", "ORG", "ROLE", "SECRET"},
		[][]string{{out.Name, out.Org, out.Role, out.Secret}})
}

type registered struct {
	Name   string `json:"name"`
	Org    string `json:"org"`
	MSPID  string `json:"mspId"`
	Role   string `json:"role"`
	Secret string `json:"secret"`
}

type enrolled struct {
	Name        string    `json:"name"`
	MSPID       string    `json:"mspId"`
	Role        string    `json:"role"`
	NotAfter    time.Time `json:"notAfter"`
	MSPDir      string    `json:"mspDir"`
	Certificate string    `json:"certificate"`
	PrivateKey  string    `json:"privateKey"`
}

func enrollRun(ctx context.Context, opts *Options) error {
	c, err := opts.client()
	if err != nil {
		return err
	}
	defer c.Close()
	id, err := c.Enroll(ctx, opts.Name, opts.Secret)
	if err != nil {
		return exitError(err)
	}
	cert, err := localmsp.ParseCertificate(id.Certificate)
	if err != nil {
		return err
	}
	attrs, _, err := localmsp.Attributes(cert)
	if err != nil {
		return err
	}
	mspDir := c.Wallet().MSPDir(id.MSPID, opts.Name)
	out := enrolled{
		Name: opts.Name, MSPID: id.MSPID, Role: attrs[identity.RoleAttribute], NotAfter: cert.NotAfter,
		MSPDir:      mspDir,
		Certificate: filepath.Join(mspDir, "signcerts", "cert.pem"),
		PrivateKey:  filepath.Join(mspDir, "keystore", "key.pem"),
	}
	if opts.Format == string(cmdutil.FormatJSON) {
		return writeJSON(opts.IO.Out, out)
	}
	fmt.Fprintf(opts.IO.ErrOut, "enrolled %s of %s into %s\n", out.Name, out.MSPID, out.MSPDir)
	return writeTable(opts.IO.Out, []string{"NAME", "MSP ID", "ROLE", "NOT AFTER", "MSP DIR"},
		[][]string{{out.Name, out.MSPID, out.Role, out.NotAfter.UTC().Format(time.RFC3339), out.MSPDir}})
}

func listRun(ctx context.Context, opts *Options) error {
	c, err := opts.client()
	if err != nil {
		return err
	}
	defer c.Close()
	ids, err := c.List(ctx)
	if err != nil {
		return exitError(err)
	}
	if opts.Format == string(cmdutil.FormatJSON) {
		if ids == nil {
			ids = []identity.Info{}
		}
		return writeJSON(opts.IO.Out, ids)
	}
	rows := make([][]string, 0, len(ids))
	for _, i := range ids {
		max := fmt.Sprint(i.MaxEnrollments)
		if i.MaxEnrollments < 0 {
			max = "unlimited"
		}
		role := i.Role
		if role == "" {
			role = "-"
		}
		rows = append(rows, []string{i.Name, i.Type, role, max})
	}
	return writeTable(opts.IO.Out, []string{"NAME", "TYPE", "ROLE", "MAX ENROLLMENTS"}, rows)
}

func writeTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
