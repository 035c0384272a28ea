package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/threatmap/threatmap/assess"
)

// threatsKey is how the threats array appears in the indented document
// when it is empty: the one place WriteThreatMap splices the streamed
// threats into.
const threatsKey = "\n  \"threats\": [],\n"

// threatMapFrame is the document without its methods: what encoding/json
// writes around the threats.
type threatMapFrame ThreatMapDoc

// MarshalJSON writes the document as WriteThreatMap does (a threat's
// summary is not a field of its struct but made when it is written).
func (doc ThreatMapDoc) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteThreatMap(&buf, doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteThreatMap writes doc as indented JSON (WriteJSON writes a
// ThreatMapDoc through it): the frame by encoding/json, the threats by
// appendThreat, one by one, in parallel batches, streamed to w: on a
// model with a hundred thousand threats the output is written without
// holding the whole document, twice over, in memory.
func WriteThreatMap(w io.Writer, doc ThreatMapDoc) error {
	threats := doc.Threats
	doc.Threats = []assess.Threat{}
	// The frame is encoded while the first batches of threats are (it
	// was one core's work before any threat was).
	type framed struct {
		head, tail []byte
		err        error
	}
	frameDone := make(chan framed, 1)
	go func() {
		frame, err := indentedJSON(threatMapFrame(doc))
		if err != nil {
			frameDone <- framed{err: err}
			return
		}
		head, tail, ok := bytes.Cut(frame, []byte(threatsKey))
		if !ok {
			frameDone <- framed{err: fmt.Errorf("threat map JSON: no threats array")}
			return
		}
		frameDone <- framed{head: head, tail: tail}
	}()
	bw := bufio.NewWriterSize(w, 1<<16)
	var tail []byte
	if len(threats) == 0 {
		f := <-frameDone
		if f.err != nil {
			return f.err
		}
		bw.Write(f.head)
		bw.WriteString(threatsKey)
		tail = f.tail
	} else {
		prep, _ := w.(LinePreparer)
		start := func() error {
			f := <-frameDone
			if f.err != nil {
				return f.err
			}
			bw.Write(f.head)
			bw.WriteString("\n  \"threats\": [\n")
			tail = f.tail
			return nil
		}
		if err := encodeThreats(bw, prep, threats, start); err != nil {
			return err
		}
		bw.WriteString("  ],\n")
	}
	bw.Write(tail)
	return bw.Flush()
}

// indentedJSON returns what WriteJSON writes for v: encoded compact, then
// indented into a buffer sized for it once. (An encoder set to indent
// grows its buffers as it goes; for the frame of a large model, a few
// megabytes, that allocated many times the document.)
func indentedJSON(v any) ([]byte, error) {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	// Indenting adds a line's indentation and a space per value: about
	// the compact size again, at the depths a threat map has.
	out.Grow(2 * compact.Len())
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// LinePreparer is a writer that makes its output safe line by line
// (masking secrets, escaping control characters; see the command's
// writers): it lets lines be made safe on the goroutines that produce
// them, each with the function PrepareLines returns (nil when it cannot),
// and the result written with WritePrepared, so that work is not left to
// the one goroutine that writes.
type LinePreparer interface {
	PrepareLines() func(dst, src []byte) []byte
	WritePrepared(p []byte) (int, error)
}

// encodeThreats writes what start writes, then the threats as elements
// of an array indented by four spaces, each followed by ",\n" but the
// last, followed by "\n" (appendThreat: what encoding/json writes,
// without its reflection and second indenting pass). Batches are encoded on every core and written
// in order, each a run of whole lines; when w writes to a LinePreparer
// (prep), the batches are made safe where they are encoded.
func encodeThreats(w *bufio.Writer, prep LinePreparer, threats []assess.Threat, start func() error) error {
	// rowSize is about what one threat takes (1.9 kB on the dense
	// model), so a batch's buffer is allocated once.
	const batch, rowSize = 512, 2048
	n := (len(threats) + batch - 1) / batch
	type slot struct {
		buf  []byte
		err  error
		done chan struct{}
	}
	slots := make([]*slot, n)
	for i := range slots {
		slots[i] = &slot{done: make(chan struct{})}
	}
	work := make(chan int)
	// Buffers written out are handed back for the next batches.
	free := make(chan []byte, 8*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), n)
	// One line preparer per worker; batches go out as they were encoded
	// when the writer has none to give.
	safes := make([]func(dst, src []byte) []byte, workers)
	for i := range safes {
		if prep != nil {
			if safes[i] = prep.PrepareLines(); safes[i] == nil {
				prep = nil
			}
		}
	}
	for wi := range workers {
		safe := safes[wi]
		if prep == nil {
			safe = nil
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			newBuf := func() []byte {
				select {
				case buf := <-free:
					return buf
				default:
					return make([]byte, 0, rowSize*batch)
				}
			}
			// raw holds the lines of a batch not yet made safe; the
			// runs of lines threats share are taken from runs (made
			// safe into runs.out, when safe is set).
			var raw []byte
			runs := newRunCache(safe)
			for i := range work {
				s := slots[i]
				var buf []byte
				if safe != nil {
					buf = raw[:0]
					runs.out = newBuf()
				} else {
					buf = newBuf()
				}
				for j := i * batch; j < min(len(threats), (i+1)*batch); j++ {
					buf = append(buf, "    "...)
					if buf, s.err = appendThreatRuns(buf, &threats[j], "    ", runs); s.err != nil {
						break
					}
					if j == len(threats)-1 {
						buf = append(buf, '\n')
					} else {
						buf = append(buf, ",\n"...)
					}
				}
				if safe != nil {
					raw = buf
					buf = safe(runs.out, raw)
					runs.out = nil
				}
				s.buf = buf
				close(s.done)
			}
		}()
	}
	// Hand out batches no further ahead of the writer than a few per
	// core, so memory stays bounded however many threats there are.
	ahead := make(chan struct{}, 4*runtime.GOMAXPROCS(0))
	go func() {
		for i := range n {
			ahead <- struct{}{}
			work <- i
		}
		close(work)
	}()
	// start writes what goes before the threats, once the first batch
	// is under way.
	err := start()
	if safe := prep != nil && n > 0; safe && err == nil {
		// What was written before goes out ahead of the first batch.
		err = w.Flush()
	}
	for i, s := range slots {
		<-s.done
		<-ahead
		if err == nil {
			err = s.err
		}
		if err == nil {
			if prep != nil {
				_, err = prep.WritePrepared(s.buf)
			} else {
				_, err = w.Write(s.buf)
			}
		}
		select {
		case free <- s.buf[:0]:
		default:
		}
		slots[i] = nil
	}
	wg.Wait()
	return err
}
