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

// writeEntry writes one registered name, its usage and its parameters,
// wrapped to helpWidth.
func writeEntry(b *strings.Builder, name, usage string, ps []params.Param) {
	wrapped(b, fmt.Sprintf("  %-11s ", name), usage)
	for _, p := range ps {
		line := "--" + p.Name
		if p.Type != "" && p.Type != "bool" {
			line += " " + p.Type
		}
		text := p.Usage
		switch {
		case p.List:
			text += "; repeat the flag to sweep"
		case p.Sweep:
			text += "; a comma list sweeps"
		}
		if p.Default != "" && p.Type != "bool" {
			text += " (default " + p.Default + ")"
		}
		wrapped(b, fmt.Sprintf("      %-24s ", line), text)
	}
}

// wrapped writes head then text, broken at spaces so that no line passes
// helpWidth; the lines after the first are indented under the text.
func wrapped(b *strings.Builder, head, text string) {
	indent := strings.Repeat(" ", len(head))
	line := head
	for _, w := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(w) > helpWidth {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = indent
		}
		if len(line) > len(indent) && !strings.HasSuffix(line, " ") {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
}
