// Command udi is the UDI Ledger command-line tool.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/udiledger/udiledger/cli/internal/cmd/root"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

var version = "dev"

func main() {
	os.Exit(run())
}

func run() int {
	f := cmdutil.NewFactory()
	cmd := root.NewCmdRoot(f, version)
	err := cmd.ExecuteContext(context.Background())
	var ee *cmdutil.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.Silent) {
		fmt.Fprintln(f.IO.ErrOut, "udi:", err)
	}
	return cmdutil.ExitCode(err)
}
