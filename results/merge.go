package results

import "errors"

// Merge combines results documents, for example from several machines,
// so that one report and one set of charts cover them. The first
// document's environment heads the result; every source's environment is
// kept in Sources and each run names its own (Summary.Source, 1-based).
// Documents were checked for their schema when read.
func Merge(docs []*Document) (*Document, error) {
	if len(docs) == 0 {
		return nil, errors.New("nothing to merge")
	}
	out := NewDocument(docs[0].Environment)
	for _, d := range docs {
		// A document that is itself a merge brings its sources along.
		base := len(out.Sources)
		if len(d.Sources) == 0 {
			out.Sources = append(out.Sources, d.Environment)
		} else {
			out.Sources = append(out.Sources, d.Sources...)
		}
		for _, s := range d.Runs {
			if s.Source == 0 {
				s.Source = base + 1
			} else {
				s.Source += base
			}
			out.Runs = append(out.Runs, s)
		}
		out.Partial = out.Partial || d.Partial
	}
	return out, nil
}
