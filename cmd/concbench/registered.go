package main

import (
	"fmt"
	"strings"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// registeredHelp lists the registered workloads and strategies, each with
// its usage line and its own parameters, for `concbench run --help`.
func registeredHelp() string {
	var b strings.Builder
	b.WriteString("Workloads (--workload), each with the flags that apply to it:\n")
	for _, name := range workloads.Registered() {
		d, _ := workloads.Lookup(name)
		writeEntry(&b, name, d.Usage, d.Params)
	}
	b.WriteString("\nStrategies (--strategies; all runs them in this order), each with the flags that apply to it:\n")
	for _, name := range strategies.Registered() {
		d, _ := strategies.Lookup(name)
		writeEntry(&b, name, d.Usage, d.Params)
	}
	b.WriteString("\n")
	return b.String()
}

// writeEntry writes one registered name, its usage and its parameters.
func writeEntry(b *strings.Builder, name, usage string, ps []params.Param) {
	fmt.Fprintf(b, "  %-11s %s\n", name, usage)
	for _, p := range ps {
		line := "--" + p.Name
		if p.Type != "" && p.Type != "bool" {
			line += " " + p.Type
		}
		fmt.Fprintf(b, "      %-24s %s", line, p.Usage)
		switch {
		case p.List:
			b.WriteString("; repeat the flag to sweep")
		case p.Sweep:
			b.WriteString("; a comma list sweeps")
		}
		if p.Default != "" && p.Type != "bool" {
			fmt.Fprintf(b, " (default %s)", p.Default)
		}
		b.WriteString("\n")
	}
}
