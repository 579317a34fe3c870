package main

import (
	"errors"
	"slices"
	"strings"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
	"github.com/spf13/pflag"
)

// The flags of `concbench run` that the registries declare: every
// registered workload's and strategy's own parameters, one flag per name
// (a name several declare, such as --latency, means the same to each).
// The CLI reads the declarations only; the workload or strategy that
// declares a parameter checks its values and gives its default.

// paramDecl is one declaration of a generated flag.
type paramDecl struct {
	workload, strategy string // who declares it: exactly one is set
	param              params.Param
}

// paramFlag is a generated flag: a pflag.Value that keeps the text given,
// one item per value (several make a sweep).
type paramFlag struct {
	name  string
	decls []paramDecl
	// values holds the values given, as typed: one, or several for a
	// sweep (a comma list, or the flag repeated for a List parameter).
	values []string
}

var _ pflag.Value = (*paramFlag)(nil)

func (f *paramFlag) String() string { return strings.Join(f.values, ",") }

// Type is the declared type, for --help; "string" when undeclared or
// when declarations differ.
func (f *paramFlag) Type() string {
	t := f.decls[0].param.Type
	for _, d := range f.decls[1:] {
		if d.param.Type != t {
			return "string"
		}
	}
	if t == "" {
		return "string"
	}
	return t
}

func (f *paramFlag) has(pred func(params.Param) bool) bool {
	return slices.ContainsFunc(f.decls, func(d paramDecl) bool { return pred(d.param) })
}

// Set records one occurrence of the flag. A Repeat parameter collects
// every occurrence into one value, joined by newlines (so none may hold
// one); a List parameter is swept by repeating the flag; another
// sweepable parameter is swept by a comma list; else the last one counts.
func (f *paramFlag) Set(s string) error {
	switch {
	case f.has(func(p params.Param) bool { return p.Repeat }):
		if strings.ContainsAny(s, "\r\n") {
			return errors.New("must not contain CR or LF: repeated values travel joined by newlines")
		}
		if len(f.values) == 0 {
			f.values = []string{s}
		} else {
			f.values[0] += "\n" + s
		}
	case f.has(func(p params.Param) bool { return p.List }):
		f.values = append(f.values, strings.TrimSpace(s))
	case f.has(func(p params.Param) bool { return p.Sweep }):
		parts, err := splitList(s)
		if err != nil {
			return err
		}
		f.values = parts
	default:
		f.values = []string{strings.TrimSpace(s)}
	}
	return nil
}

// owners names who declares the flag, for messages: "--workload http or
// tcp", "--strategies process".
func (f *paramFlag) owners() string {
	var ws, ss []string
	for _, d := range f.decls {
		if d.workload != "" {
			ws = append(ws, d.workload)
		} else {
			ss = append(ss, d.strategy)
		}
	}
	var parts []string
	if len(ws) > 0 {
		parts = append(parts, "--workload "+orList(ws))
	}
	if len(ss) > 0 {
		parts = append(parts, "--strategies "+orList(ss))
	}
	return strings.Join(parts, " or ")
}

// orList writes "a", "a or b", "a, b or c".
func orList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// paramFlags are the generated flags of one command, by name.
type paramFlags struct {
	fs    *pflag.FlagSet
	flags map[string]*paramFlag
	names []string // in registry order
}

// addParamFlags adds a flag to fs for every parameter the registered
// workloads and strategies declare. They are hidden from pflag's own
// listing: --help lists them under their workload or strategy
// (registeredHelp).
func addParamFlags(fs *pflag.FlagSet) *paramFlags {
	pf := &paramFlags{fs: fs, flags: map[string]*paramFlag{}}
	add := func(d paramDecl) {
		f, ok := pf.flags[d.param.Name]
		if !ok {
			f = &paramFlag{name: d.param.Name}
			pf.flags[d.param.Name] = f
			pf.names = append(pf.names, d.param.Name)
		}
		f.decls = append(f.decls, d)
	}
	for _, name := range workloads.Registered() {
		d, _ := workloads.Lookup(name)
		for _, p := range d.Params {
			add(paramDecl{workload: name, param: p})
		}
	}
	for _, name := range strategies.Registered() {
		d, _ := strategies.Lookup(name)
		for _, p := range d.Params {
			add(paramDecl{strategy: name, param: p})
		}
	}
	for _, name := range pf.names {
		f := pf.flags[name]
		fl := fs.VarPF(f, name, "", f.decls[0].param.Usage+" (applies to "+f.owners()+")")
		if f.Type() == "bool" {
			fl.NoOptDefVal = "true"
		}
		fl.Hidden = true
	}
	return pf
}

// values returns what was given for the flags that workload or one of
// strats declares: the workload's and the strategies' parameters, each
// name with its values (several for a sweep). A flag given that neither
// declares is a usage error naming the flag and who declares it.
func (pf *paramFlags) values(workload string, strats []string) (wp, sp map[string][]string, err error) {
	wp, sp = map[string][]string{}, map[string][]string{}
	for _, name := range pf.names {
		if !pf.fs.Changed(name) {
			continue
		}
		f := pf.flags[name]
		used := false
		for _, d := range f.decls {
			switch {
			case d.workload != "" && d.workload == workload:
				wp[name], used = f.values, true
			case d.strategy != "" && slices.Contains(strats, d.strategy):
				sp[name], used = f.values, true
			}
		}
		if !used {
			if slices.ContainsFunc(f.decls, func(d paramDecl) bool { return d.workload != "" }) {
				return nil, nil, usagef("--%s applies to %s, not --workload %s", name, f.owners(), workload)
			}
			return nil, nil, usagef("--%s applies to %s, which this run does not include", name, f.owners())
		}
	}
	return wp, sp, nil
}

// impliedWorkload returns the workload that the flags given point to when
// --workload is not: the one workload that declares a flag given which
// def (the default workload) does not, as --url names http and --addr tcp
// (vegeta and k6 need no workload to be named either). It returns "" when
// no flag given points anywhere, and an error when flags point to two
// workloads.
func (pf *paramFlags) impliedWorkload(def string) (string, error) {
	implied, by := "", ""
	for _, name := range pf.names {
		if !pf.fs.Changed(name) {
			continue
		}
		var ws []string
		for _, d := range pf.flags[name].decls {
			if d.workload != "" {
				ws = append(ws, d.workload)
			}
		}
		if len(ws) != 1 || slices.Contains(ws, def) {
			continue // the default's, a strategy's, or several workloads'
		}
		if implied != "" && implied != ws[0] {
			return "", usagef("--%s is --workload %s's and --%s is --workload %s's: name the workload", by, implied, name, ws[0])
		}
		implied, by = ws[0], name
	}
	return implied, nil
}
