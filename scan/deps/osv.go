package deps

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/threatmap/threatmap/repofs"
)

// osvRecord is the part of an OSV record (https://ossf.github.io/osv-schema/)
// needed to match packages and describe the advisory.
type osvRecord struct {
	ID               string          `json:"id"`
	Withdrawn        string          `json:"withdrawn"`
	Aliases          []string        `json:"aliases"`
	Summary          string          `json:"summary"`
	Details          string          `json:"details"`
	Severity         []osvSeverity   `json:"severity"`
	Affected         []osvAffected   `json:"affected"`
	DatabaseSpecific json.RawMessage `json:"database_specific"`
}

type osvSeverity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

type osvAffected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
	} `json:"package"`
	Ranges            []osvRange      `json:"ranges"`
	Versions          []string        `json:"versions"`
	Severity          []osvSeverity   `json:"severity"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific"`
	DatabaseSpecific  json.RawMessage `json:"database_specific"`
}

type osvRange struct {
	Type   string              `json:"type"`
	Events []map[string]string `json:"events"`
}

// DB is an offline OSV database indexed by ecosystem and package name, so
// that matching a package costs one map lookup however large the database.
type DB struct {
	index map[string][]advisory
	// Records counts the advisories loaded (withdrawn ones excluded).
	Records int
}

// advisory is one affected-package entry of a record.
type advisory struct {
	rec *osvRecord
	aff *osvAffected
}

func indexKey(eco Ecosystem, name string) string {
	return string(eco) + "\x00" + normalizeName(eco, name)
}

// NewDB indexes records already in memory; LoadDB reads them from disk.
func newDB() *DB { return &DB{index: map[string][]advisory{}} }

func (db *DB) add(rec *osvRecord) { db.addIf(rec, nil) }

// addIf indexes the affected entries keep accepts (all when keep is nil).
// Records count whether or not they are kept, so that a filtered load
// still reports the size of the database consulted.
func (db *DB) addIf(rec *osvRecord, keep func(key string) bool) {
	if rec.Withdrawn != "" || rec.ID == "" {
		return
	}
	db.Records++
	for i := range rec.Affected {
		aff := &rec.Affected[i]
		eco, _, _ := strings.Cut(aff.Package.Ecosystem, ":")
		key := indexKey(Ecosystem(eco), aff.Package.Name)
		if keep == nil || keep(key) {
			db.index[key] = append(db.index[key], advisory{rec: rec, aff: aff})
		}
	}
}

// LoadDB reads an OSV database from dir: OSV records in JSON (one record, or
// an array of records, per .json file, in any sub-folder) or YAML (.yaml or
// .yml, as pypa's advisory database publishes them), and the
// per-ecosystem all.zip exports osv.dev publishes. Files are decoded in
// parallel; nothing is fetched from the network.
func LoadDB(ctx context.Context, dir string) (*DB, error) { return loadDB(ctx, dir, nil) }

// LoadDBFor is LoadDB keeping only advisories for the given packages, which
// keeps memory small when a full ecosystem export (hundreds of thousands of
// records) is checked against one project.
func LoadDBFor(ctx context.Context, dir string, pkgs []Package) (*DB, error) {
	want := make(map[string]bool, len(pkgs))
	for _, p := range pkgs {
		want[indexKey(p.Ecosystem, p.Name)] = true
	}
	return loadDB(ctx, dir, func(key string) bool { return want[key] })
}

func loadDB(ctx context.Context, dir string, keep func(key string) bool) (*DB, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("osv database: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("osv database %s: not a directory", dir)
	}
	var files []repofs.File
	err = repofs.Walk(ctx, dir, repofs.Options{SkipDirs: []string{".git"}}, func(f repofs.File) error {
		if strings.HasSuffix(f.Rel, ".json") || strings.HasSuffix(f.Rel, ".zip") || isYAMLRecordFile(f.Rel) {
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("osv database: %w", err)
	}
	type blob struct {
		name string
		data []byte
	}
	blobs := make(chan blob, 64)
	recs := make(chan []*osvRecord, 64)
	errs := make(chan error, 1)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// One reader feeds raw files and zip entries to decoders on every core.
	go func() {
		defer close(blobs)
		for _, f := range files {
			if ctx.Err() != nil {
				return
			}
			if strings.HasSuffix(f.Rel, ".zip") {
				if err := readZip(ctx, f.Path, func(name string, data []byte) {
					select {
					case blobs <- blob{f.Rel + "!" + name, data}:
					case <-ctx.Done():
					}
				}); err != nil {
					fail(fmt.Errorf("osv database %s: %w", f.Rel, err))
					cancel()
				}
				continue
			}
			data, err := os.ReadFile(f.Path)
			if err != nil {
				fail(fmt.Errorf("osv database: %w", err))
				cancel()
				return
			}
			select {
			case blobs <- blob{f.Rel, data}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range blobs {
				decode := decodeRecords
				if isYAMLRecordFile(b.name) {
					decode = decodeYAMLRecords
				}
				rs, err := decode(b.data)
				if err != nil {
					fail(fmt.Errorf("osv database %s: %w", b.name, err))
					cancel()
					continue
				}
				select {
				case recs <- rs:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(recs)
	}()
	db := newDB()
	for rs := range recs {
		for _, r := range rs {
			db.addIf(r, keep)
		}
	}
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return db, nil
}

// readZip calls fn with every .json entry of a zip archive.
func readZip(ctx context.Context, name string, fn func(name string, data []byte)) error {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !(strings.HasSuffix(zf.Name, ".json") || isYAMLRecordFile(zf.Name)) || path.IsAbs(zf.Name) {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
		// OSV records are small; a bound keeps a hostile archive from
		// exhausting memory.
		data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
		fn(zf.Name, data)
	}
	return nil
}

// decodeRecords reads one record or an array of records.
func decodeRecords(data []byte) ([]*osvRecord, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var rs []*osvRecord
		if err := json.Unmarshal(trimmed, &rs); err != nil {
			return nil, jsonError("", trimmed, err)
		}
		for _, r := range rs {
			r.Details = ""
		}
		return rs, nil
	}
	var r osvRecord
	if err := json.Unmarshal(trimmed, &r); err != nil {
		return nil, jsonError("", trimmed, err)
	}
	// Details can be long and are never printed; drop them to keep a full
	// ecosystem database small in memory.
	r.Details = ""
	return []*osvRecord{&r}, nil
}
