package event

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// patientFile is the --patient-file of udi dispense.
type patientFile struct {
	Patient      string `yaml:"patient"`
	Prescription string `yaml:"prescription"`
}

// maxRef is the longest patient or prescription reference the ledger keeps.
const maxRef = 256

// readPatient reads the patient and prescription references from --patient-file, else asks
// for them on the terminal (standard input, messages on standard error). They never come
// from flags or arguments, and are printed nowhere.
func (o *Options) readPatient(f *cmdutil.Factory, codesFromStdin bool) error {
	var p patientFile
	if o.PatientFile != "" {
		if err := cmdutil.ReadRecord(o.PatientFile, f.IO.In, &p); err != nil {
			return err
		}
	} else {
		if codesFromStdin {
			return errors.New("the codes came from standard input: give the patient reference with --patient-file")
		}
		ask := prompter(f)
		var err error
		if p.Patient, err = ask("patient reference: "); err != nil {
			return err
		}
		if p.Prescription, err = ask("prescription reference (empty for none): "); err != nil {
			return err
		}
	}
	p.Patient, p.Prescription = strings.TrimSpace(p.Patient), strings.TrimSpace(p.Prescription)
	switch {
	case p.Patient == "":
		return errors.New("no patient reference")
	case len(p.Patient) > maxRef || len(p.Prescription) > maxRef:
		return fmt.Errorf("a patient or prescription reference longer than %d characters", maxRef)
	}
	o.private.PatientRef, o.private.PrescriptionRef = p.Patient, p.Prescription
	return nil
}

// prompter asks one line at a time: without echo on a terminal, else from the stream.
func prompter(f *cmdutil.Factory) func(prompt string) (string, error) {
	if fh, ok := f.IO.In.(*os.File); ok && term.IsTerminal(int(fh.Fd())) {
		return func(prompt string) (string, error) {
			fmt.Fprint(f.IO.ErrOut, prompt)
			b, err := term.ReadPassword(int(fh.Fd()))
			fmt.Fprintln(f.IO.ErrOut)
			return string(b), err
		}
	}
	in := bufio.NewReader(f.IO.In)
	return func(prompt string) (string, error) {
		fmt.Fprint(f.IO.ErrOut, prompt)
		s, err := in.ReadString('\n')
		fmt.Fprintln(f.IO.ErrOut) // what was typed is not echoed when it comes from a pipe
		if errors.Is(err, io.EOF) && s != "" {
			err = nil
		}
		if err != nil {
			return "", fmt.Errorf("reading the %s: %w", strings.TrimSuffix(prompt, ": "), err)
		}
		return strings.TrimRight(s, "\r\n"), nil
	}
}
