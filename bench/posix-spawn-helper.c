/*
 * The posix_spawn floor of the `dag` benchmarks (see bench/node-spawn-graph.js --posix-spawn): a small
 * process that starts each command it is asked for the way make does, with posix_spawn,
 * so that Node.js never forks. It reads lines `ID SCRIPT` on standard input, starts
 * `/bin/bash -eo pipefail -c SCRIPT` in a session of its own with its output on two
 * pipes, reads and drops that output, and writes `ID STATUS` once the command has exited
 * and closed both pipes (a command that closes them and goes on running holds the loop
 * until it exits: enough for the floor). It ends when its input ends and nothing runs.
 *
 *   cc -O2 -o posix-spawn-helper bench/posix-spawn-helper.c
 *
 * bench/dag.js builds it in a temporary folder when a C compiler is there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_RUNNING 64

struct command {
  pid_t pid;
  long id;
  int pipes[2];
};

static struct command running[MAX_RUNNING];

static void start(long id, char *script) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) exit(1);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  char *argv[] = {"/bin/bash", "-eo", "pipefail", "-c", script, NULL};
  pid_t pid;
  int failed = posix_spawn(&pid, argv[0], &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(out[1]);
  close(err[1]);
  if (failed) {
    close(out[0]);
    close(err[0]);
    printf("%ld 127\n", id);
    return;
  }
  for (int i = 0; i < MAX_RUNNING; i++) {
    if (running[i].pid == 0) {
      running[i] = (struct command){pid, id, {out[0], err[0]}};
      return;
    }
  }
  exit(1);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  char input[1 << 16];
  size_t held = 0;
  int input_open = 1;
  for (;;) {
    struct pollfd fds[1 + 2 * MAX_RUNNING];
    int count = 0, busy = 0;
    if (input_open) fds[count++] = (struct pollfd){0, POLLIN, 0};
    for (int i = 0; i < MAX_RUNNING; i++) {
      if (running[i].pid == 0) continue;
      busy = 1;
      for (int p = 0; p < 2; p++)
        if (running[i].pipes[p] >= 0) fds[count++] = (struct pollfd){running[i].pipes[p], POLLIN, 0};
    }
    if (!input_open && !busy) return 0;
    if (poll(fds, count, -1) < 0 && errno != EINTR) return 1;

    if (input_open && fds[0].revents) {
      ssize_t n = read(0, input + held, sizeof input - held);
      if (n <= 0) input_open = 0;
      else held += (size_t)n;
      char *end;
      while ((end = memchr(input, '\n', held)) != NULL) {
        *end = '\0';
        char *script = strchr(input, ' ');
        if (script != NULL) start(strtol(input, NULL, 10), script + 1);
        size_t used = (size_t)(end - input) + 1;
        memmove(input, end + 1, held - used);
        held -= used;
      }
    }
    for (int i = 0; i < MAX_RUNNING; i++) {
      if (running[i].pid == 0) continue;
      for (int p = 0; p < 2; p++) {
        int fd = running[i].pipes[p];
        if (fd < 0) continue;
        struct pollfd one = {fd, POLLIN, 0};
        if (poll(&one, 1, 0) <= 0) continue;
        char drained[4096];
        if (read(fd, drained, sizeof drained) <= 0) {
          close(fd);
          running[i].pipes[p] = -1;
        }
      }
      if (running[i].pipes[0] < 0 && running[i].pipes[1] < 0) {
        int status = 0;
        waitpid(running[i].pid, &status, 0);
        printf("%ld %d\n", running[i].id, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
        running[i].pid = 0;
      }
    }
  }
}
