package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/concbench/concbench/results"
	"github.com/spf13/pflag"
)

const showUsage = `Usage: concbench show RESULTS.json... [flags]

Prints saved results as run printed them, without running anything: a
file written by run --out, by merge, or by an earlier version of
concbench. Several files are shown together, grouped as run groups them.

Examples:
  concbench show results.json
  concbench show a.json b.json --format markdown
  concbench show results.json --columns strategy,wall,p99,rss

Flags:
`

func showCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("show", pflag.ContinueOnError)
	format := choice{v: "table", allowed: results.Formats}
	fs.Var(&format, "format", "output format: "+strings.Join(results.Formats, ", "))
	table := addTableFlags(fs)
	fs.SetInterspersed(true)
	if err := parseFlagsArgs(fs, args, stdout, showUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	doc, err := readDocuments(ctx, fs.Args())
	if err != nil {
		return err
	}
	return results.WriteWith(stdout, format.v, doc, table.options())
}
