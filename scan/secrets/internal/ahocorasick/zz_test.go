package ahocorasick
import ("testing";"os";"strings")
func TestZZPass(t *testing.T){
 kb,_ := os.ReadFile("/tmp/pfexp/kws.txt")
 kws := strings.Split(string(kb),"\n")
 data,_ := os.ReadFile("/tmp/pfexp/sample.txt")
 m := New(kws)
 pass, walks:=0, 0
 a := uint32(m.class[data[0]])
 for p := 0; p+2 < len(data); p += 2 {
   bb, c := uint32(m.class[data[p+1]]), uint32(m.class[data[p+2]])
   idx := (a<<12 | bb<<6 | c)
   if m.prefix[idx>>6]&(1<<(idx&63)) != 0 { pass++ }
   a = c
 }
 hits:=0
 m.Scan(data, func(int,int) bool {hits++; return true})
 _ = walks
 t.Logf("stride %d tested %d passed %d (%.4f per byte) hits %d", m.stride, len(data)/2, pass, float64(pass)/float64(len(data)), hits)
}
