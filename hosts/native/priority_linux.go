package native

import "syscall"

// workerNice is the niceness of password workers' threads: low enough that
// the threads serving requests always come first.
const workerNice = 10

// lowerThreadPriority renices the calling OS thread (Linux schedules
// threads, so a thread id names one). It is best effort: without the
// right to do it, workers run at the normal priority.
func lowerThreadPriority() {
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), workerNice)
}
