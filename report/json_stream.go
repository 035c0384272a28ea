package report

import (
	"bufio"
	"bytes"
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
	var frame bytes.Buffer
	if err := WriteJSON(&frame, threatMapFrame(doc)); err != nil {
		return err
	}
	head, tail, ok := bytes.Cut(frame.Bytes(), []byte(threatsKey))
	if !ok {
		return fmt.Errorf("threat map JSON: no threats array")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(head)
	if len(threats) == 0 {
		bw.WriteString(threatsKey)
	} else {
		bw.WriteString("\n  \"threats\": [\n")
		if err := encodeThreats(bw, threats); err != nil {
			return err
		}
		bw.WriteString("\n  ],\n")
	}
	bw.Write(tail)
	return bw.Flush()
}

// encodeThreats writes the threats as elements of an array indented by
// four spaces, separated by ",\n" (appendThreat: what encoding/json writes,
// without its reflection and second indenting pass). Batches are encoded
// on every core and written in order.
func encodeThreats(w *bufio.Writer, threats []assess.Threat) error {
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
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				s := slots[i]
				var buf []byte
				select {
				case buf = <-free:
				default:
					buf = make([]byte, 0, rowSize*batch)
				}
				for j := i * batch; j < min(len(threats), (i+1)*batch); j++ {
					if j > i*batch {
						buf = append(buf, ",\n"...)
					}
					buf = append(buf, "    "...)
					if buf, s.err = appendThreat(buf, &threats[j], "    "); s.err != nil {
						break
					}
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
	var err error
	for i, s := range slots {
		<-s.done
		<-ahead
		if err == nil {
			err = s.err
		}
		if err == nil {
			if i > 0 {
				w.WriteString(",\n")
			}
			_, err = w.Write(s.buf)
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
