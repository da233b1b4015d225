package store

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"faqbot/bot"
)

var benchRecord = bot.Record{
	Platform: "telegram", UserID: "123456789", Question: "Can massage help lower back pain after a long day at work?",
	Kind: bot.KindAnswer, EntryID: "massage-lower-back-pain", Title: "Can Massage Help Lower Back Pain?", Score: 0.82, Latency: 2 * time.Millisecond,
}

// BenchmarkRecordQuestion is the cost RecordQuestion adds to the reply path.
func BenchmarkRecordQuestion(b *testing.B) {
	open := func(b *testing.B, buffer int) *Store {
		s, err := Open(context.Background(), Config{DSN: filepath.Join(b.TempDir(), "bench.db"), Salt: "s", BufferSize: buffer, Logger: quietLogger()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	// drain stands in for the writer, so the buffer never fills.
	drain := func(b *testing.B, s *Store) {
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-s.queue:
				case <-done:
					return
				}
			}
		}()
		b.Cleanup(func() { close(done) })
	}
	b.Run("enqueue", func(b *testing.B) {
		s := open(b, DefaultBufferSize)
		drain(b, s)
		b.ReportAllocs()
		for b.Loop() {
			s.RecordQuestion(benchRecord)
		}
	})
	b.Run("enqueue-parallel", func(b *testing.B) {
		s := open(b, DefaultBufferSize)
		drain(b, s)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s.RecordQuestion(benchRecord)
			}
		})
	})
	b.Run("buffer-full-drop", func(b *testing.B) {
		s := open(b, 1)
		s.RecordQuestion(benchRecord)
		b.ReportAllocs()
		for b.Loop() {
			s.RecordQuestion(benchRecord)
		}
	})
}

// BenchmarkWriter is the writer's throughput: records written per second,
// from RecordQuestion to committed, with the producer as fast as the buffer
// allows.
func BenchmarkWriter(b *testing.B) {
	eachBenchBackend(b, func(b *testing.B, dsn string) {
		s, err := Open(context.Background(), Config{DSN: dsn, Salt: "s", Logger: quietLogger(), FlushInterval: 50 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		stop := run(b, s)
		b.ResetTimer()
		start := time.Now()
		for range b.N {
			for len(s.queue) == cap(s.queue) {
				time.Sleep(100 * time.Microsecond)
			}
			s.RecordQuestion(benchRecord)
		}
		for s.Stats().Written+s.Stats().Dropped < uint64(b.N) {
			time.Sleep(time.Millisecond)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		stop()
		if st := s.Stats(); st.Dropped != 0 || st.WriteErrors != 0 {
			b.Fatalf("stats: %+v", st)
		}
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
	})
}

// eachBenchBackend runs bench against a fresh SQLite file and, when
// envPostgres is set, a fresh PostgreSQL schema.
func eachBenchBackend(b *testing.B, bench func(b *testing.B, dsn string)) {
	b.Run("sqlite", func(b *testing.B) { bench(b, filepath.Join(b.TempDir(), "bench.db")) })
	base := os.Getenv(envPostgres)
	if base == "" {
		b.Logf("postgres: skipped, %s not set", envPostgres)
		return
	}
	b.Run("postgres", func(b *testing.B) { bench(b, pgSchema(b, base)) })
}

// BenchmarkSustained records 1,000 questions per second, the rate the issue
// sets, for one second per iteration, and reports the CPU the whole store
// (RecordQuestion, hashing, the writer, the database driver; for SQLite the
// database engine too) spends per second, as a share of one core.
func BenchmarkSustained(b *testing.B) {
	const rate = 1000
	// "none" is the same loop without a store: the benchmark's own cost.
	b.Run("none", func(b *testing.B) {
		tick := time.NewTicker(time.Second / 100)
		defer tick.Stop()
		n := 0
		cpu0, wall0 := cpuTime(), time.Now()
		for range b.N {
			for range 100 {
				<-tick.C
				for range rate / 100 {
					n++
				}
			}
		}
		cpu, wall := cpuTime()-cpu0, time.Since(wall0)
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "%cpu")
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/record")
	})
	eachBenchBackend(b, func(b *testing.B, dsn string) {
		s, err := Open(context.Background(), Config{DSN: dsn, Salt: "s", Logger: quietLogger()})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		stop := run(b, s)
		tick := time.NewTicker(time.Second / 100)
		defer tick.Stop()
		n := 0
		cpu0, wall0 := cpuTime(), time.Now()
		b.ResetTimer()
		for range b.N {
			// 10 records every 10ms.
			for range 100 {
				<-tick.C
				for range rate / 100 {
					s.RecordQuestion(benchRecord)
					n++
				}
			}
		}
		for s.Stats().Written+s.Stats().Dropped < uint64(n) {
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		cpu, wall := cpuTime()-cpu0, time.Since(wall0)
		stop()
		if st := s.Stats(); st.Dropped != 0 || st.WriteErrors != 0 {
			b.Fatalf("stats: %+v", st)
		}
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "%cpu")
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/record")
	})
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
