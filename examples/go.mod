module github.com/concbench/concbench/examples

go 1.26.8

require github.com/concbench/concbench v0.0.0

replace github.com/concbench/concbench => ../

require (
	github.com/HdrHistogram/hdrhistogram-go v1.4.0 // indirect
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
	github.com/alitto/pond/v2 v2.7.1 // indirect
	github.com/montanaflynn/stats v0.14.0 // indirect
	github.com/panjf2000/ants/v2 v2.12.1 // indirect
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

tool golang.org/x/perf/cmd/benchstat
