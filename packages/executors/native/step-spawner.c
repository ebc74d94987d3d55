/*
 * The step spawner: a small native process that starts a NativeStepExecutor's processes
 * with posix_spawn, as make starts its recipes, so that the Node.js process never forks
 * (a fork copies its page tables and costs several times as much as a spawn from here).
 * It only starts processes, reads their output and reaps them; everything else about a
 * step (timeouts, cancelling, the environment it gets) is decided by its parent, which
 * signals process groups itself. src/step-spawner-protocol.ts describes the frames on
 * standard input and output; it is the only user of this program.
 *
 * Each process starts in a session of its own (so its process group id is its pid), with
 * standard input from /dev/null, its output on two pipes, default signal handlers and an
 * empty signal mask. A command without a slash is looked up on the PATH of the
 * environment it is given, as execvp does with the caller's.
 *
 * One loop polls standard input (requests), a signalfd for SIGCHLD (exits) and the output
 * pipes of every process whose output is not paused. Frames to the parent are written
 * with blocking writes, those of one turn of the loop together: the parent reads them at
 * once, and while it does not, processes that write wait, as they would on a slow
 * terminal.
 *
 * When standard input ends (the parent exited, was killed or closed it), every process
 * group still known is killed and the program exits, so no step outlives its parent.
 *
 *   cc -O2 -o slipway-step-spawner native/step-spawner.c   (scripts/build-step-spawner.js)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
  REQUEST_SPAWN = 'S',
  REQUEST_PAUSE = 'P',
  REQUEST_RESUME = 'R',
  REQUEST_DROP = 'D',
  EVENT_STARTED = 's',
  EVENT_FAILED = 'f',
  EVENT_STDOUT = 'o',
  EVENT_STDERR = 'e',
  EVENT_CLOSED = 'c',
  EVENT_EXITED = 'x',
};

#define HEADER_BYTES 9
#define READ_CHUNK 65536
#define DEFAULT_PATH "/usr/bin:/bin"

struct child {
  uint32_t id;
  pid_t pid;
  int out[2];
  int paused;
  int exited;
  int closed;
  int in_use;
};

static struct child *children;
static size_t child_slots;

static void put_u32(unsigned char *at, uint32_t value) {
  at[0] = value & 0xff;
  at[1] = (value >> 8) & 0xff;
  at[2] = (value >> 16) & 0xff;
  at[3] = (value >> 24) & 0xff;
}

static uint32_t get_u32(const unsigned char *at) {
  return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

static void kill_all_and_exit(int code) {
  for (size_t i = 0; i < child_slots; i++) {
    if (children[i].in_use && !children[i].exited) kill(-children[i].pid, SIGKILL);
  }
  _exit(code);
}

/* Frames wait here until the end of the loop's turn, so that what one turn has to say
 * (a start, an exit and the closing of its output, say) reaches the parent in one write. */
static unsigned char *outgoing;
static size_t outgoing_held, outgoing_size;

static void write_all(const unsigned char *bytes, size_t length) {
  while (length > 0) {
    ssize_t written = write(1, bytes, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      kill_all_and_exit(0);
    }
    bytes += written;
    length -= (size_t)written;
  }
}

static void flush_events(void) {
  write_all(outgoing, outgoing_held);
  outgoing_held = 0;
}

static void send_event(int type, uint32_t id, const void *payload, uint32_t length) {
  size_t needed = outgoing_held + HEADER_BYTES + length;
  if (needed > outgoing_size) {
    if (outgoing_held > 0) flush_events();
    if (HEADER_BYTES + (size_t)length > outgoing_size) {
      outgoing_size = HEADER_BYTES + (size_t)length > 4 * READ_CHUNK ? HEADER_BYTES + (size_t)length
                                                                     : 4 * READ_CHUNK;
      outgoing = realloc(outgoing, outgoing_size);
      if (outgoing == NULL) kill_all_and_exit(70);
    }
  }
  unsigned char *header = outgoing + outgoing_held;
  put_u32(header, 5 + length);
  header[4] = (unsigned char)type;
  put_u32(header + 5, id);
  if (length > 0) memcpy(header + HEADER_BYTES, payload, length);
  outgoing_held += HEADER_BYTES + length;
}

static void send_number(int type, uint32_t id, int32_t value) {
  unsigned char payload[4];
  put_u32(payload, (uint32_t)value);
  send_event(type, id, payload, 4);
}

static void send_exit(uint32_t id, int status) {
  unsigned char payload[8];
  put_u32(payload, WIFSIGNALED(status) ? 1 : 0);
  put_u32(payload + 4, (uint32_t)(WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)));
  send_event(EVENT_EXITED, id, payload, 8);
}

static struct child *find(uint32_t id) {
  for (size_t i = 0; i < child_slots; i++) {
    if (children[i].in_use && children[i].id == id) return &children[i];
  }
  return NULL;
}

static struct child *free_slot(void) {
  for (size_t i = 0; i < child_slots; i++) {
    if (!children[i].in_use) return &children[i];
  }
  size_t grown = child_slots == 0 ? 16 : child_slots * 2;
  struct child *more = realloc(children, grown * sizeof *children);
  if (more == NULL) kill_all_and_exit(70);
  memset(more + child_slots, 0, (grown - child_slots) * sizeof *more);
  children = more;
  struct child *slot = &children[child_slots];
  child_slots = grown;
  return slot;
}

static void close_output(struct child *child, int stream) {
  if (child->out[stream] < 0) return;
  close(child->out[stream]);
  child->out[stream] = -1;
}

/* A slot is given back once its process has exited and its output is closed or dropped. */
static void release_if_done(struct child *child) {
  if (child->exited && child->closed) child->in_use = 0;
}

static int spawn_at(pid_t *pid, const char *path, posix_spawn_file_actions_t *actions,
                    posix_spawnattr_t *attributes, char **argv, char **envp) {
  return posix_spawn(pid, path, actions, attributes, argv, envp);
}

/* execvp's search, on the PATH of the process's own environment. */
static int spawn_searching(pid_t *pid, const char *file, posix_spawn_file_actions_t *actions,
                           posix_spawnattr_t *attributes, char **argv, char **envp) {
  if (strchr(file, '/') != NULL) return spawn_at(pid, file, actions, attributes, argv, envp);
  const char *path = DEFAULT_PATH;
  for (char **entry = envp; *entry != NULL; entry++) {
    if (strncmp(*entry, "PATH=", 5) == 0) path = *entry + 5;
  }
  size_t file_length = strlen(file);
  int denied = 0;
  int last = ENOENT;
  for (const char *start = path;; start++) {
    const char *end = strchrnul(start, ':');
    size_t dir_length = (size_t)(end - start);
    char candidate[4096];
    if (dir_length + file_length + 2 <= sizeof candidate) {
      memcpy(candidate, start, dir_length);
      size_t at = dir_length;
      if (at > 0) candidate[at++] = '/';
      memcpy(candidate + at, file, file_length + 1);
      /* An absolute candidate that cannot be run is skipped without starting a process. */
      if (candidate[0] != '/' || access(candidate, X_OK) == 0) {
        int failed = spawn_at(pid, candidate, actions, attributes, argv, envp);
        if (failed == 0) return 0;
        last = failed;
        if (failed == EACCES) denied = 1;
        else if (failed != ENOENT && failed != ENOTDIR) return failed;
      } else if (errno == EACCES) {
        denied = 1;
      }
    }
    if (*end == '\0') break;
    start = end;
  }
  return denied ? EACCES : last;
}

/* A spawn request: u32 argc, u32 envc, then NUL-terminated cwd, argv[argc], env[envc]. */
static void spawn_child(uint32_t id, unsigned char *payload, uint32_t length) {
  if (length < 8 || payload[length - 1] != '\0') {
    send_number(EVENT_FAILED, id, EINVAL);
    return;
  }
  uint32_t argc = get_u32(payload);
  uint32_t envc = get_u32(payload + 4);
  size_t strings = 1 + (size_t)argc + envc;
  char **pointers = calloc(strings + 2, sizeof *pointers);
  if (pointers == NULL || argc == 0) {
    free(pointers);
    send_number(EVENT_FAILED, id, pointers == NULL ? ENOMEM : EINVAL);
    return;
  }
  char *text = (char *)payload + 8;
  char *text_end = (char *)payload + length;
  for (size_t i = 0; i < strings; i++) {
    if (text >= text_end) {
      free(pointers);
      send_number(EVENT_FAILED, id, EINVAL);
      return;
    }
    pointers[i + (i > argc ? 1 : 0)] = text;
    text += strlen(text) + 1;
  }
  const char *cwd = pointers[0];
  char **argv = pointers + 1;
  char **envp = pointers + argc + 2;
  argv[argc] = NULL;
  envp[envc] = NULL;

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    send_number(EVENT_FAILED, id, errno);
    free(pointers);
    return;
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    send_number(EVENT_FAILED, id, errno);
    close(out[0]);
    close(out[1]);
    free(pointers);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int failed = spawn_searching(&pid, argv[0], &actions, &attributes, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  free(pointers);
  close(out[1]);
  close(err[1]);
  if (failed != 0) {
    close(out[0]);
    close(err[0]);
    send_number(EVENT_FAILED, id, failed);
    return;
  }
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  struct child *child = free_slot();
  *child = (struct child){id, pid, {out[0], err[0]}, 0, 0, 0, 1};
  send_number(EVENT_STARTED, id, pid);
}

static void handle_request(int type, uint32_t id, unsigned char *payload, uint32_t length) {
  if (type == REQUEST_SPAWN) {
    spawn_child(id, payload, length);
    return;
  }
  struct child *child = find(id);
  if (child == NULL) return;
  switch (type) {
    case REQUEST_PAUSE:
      child->paused = 1;
      break;
    case REQUEST_RESUME:
      child->paused = 0;
      break;
    case REQUEST_DROP:
      close_output(child, 0);
      close_output(child, 1);
      child->closed = 1;
      release_if_done(child);
      break;
  }
}

static unsigned char *input;
static size_t input_held, input_size;

/* Reads what standard input has and handles every whole request in it. */
static void read_requests(void) {
  if (input_size - input_held < READ_CHUNK) {
    input_size = input_size == 0 ? 2 * READ_CHUNK : input_size * 2;
    input = realloc(input, input_size);
    if (input == NULL) kill_all_and_exit(70);
  }
  ssize_t got = read(0, input + input_held, input_size - input_held);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got <= 0) kill_all_and_exit(0);
  input_held += (size_t)got;
  size_t at = 0;
  while (input_held - at >= HEADER_BYTES) {
    uint32_t length = get_u32(input + at);
    if (length < 5) kill_all_and_exit(65);
    if (input_held - at < 4 + (size_t)length) break;
    handle_request(input[at + 4], get_u32(input + at + 5), input + at + HEADER_BYTES, length - 5);
    at += 4 + (size_t)length;
  }
  memmove(input, input + at, input_held - at);
  input_held -= at;
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (size_t i = 0; i < child_slots; i++) {
      struct child *child = &children[i];
      if (child->in_use && !child->exited && child->pid == pid) {
        child->exited = 1;
        send_exit(child->id, status);
        release_if_done(child);
        break;
      }
    }
  }
}

static void read_output(struct child *child, int stream) {
  static unsigned char chunk[READ_CHUNK];
  ssize_t got = read(child->out[stream], chunk, sizeof chunk);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got > 0) {
    send_event(stream == 0 ? EVENT_STDOUT : EVENT_STDERR, child->id, chunk, (uint32_t)got);
    return;
  }
  close_output(child, stream);
  if (child->out[0] < 0 && child->out[1] < 0) {
    child->closed = 1;
    send_event(EVENT_CLOSED, child->id, NULL, 0);
    release_if_done(child);
  }
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int exits = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (exits < 0) return 71;

  struct pollfd *fds = NULL;
  struct child **owners = NULL;
  int *streams = NULL;
  size_t fd_slots = 0;
  for (;;) {
    if (outgoing_held > 0) flush_events();
    if (fd_slots < 2 + 2 * child_slots) {
      fd_slots = 2 + 2 * child_slots;
      fds = realloc(fds, fd_slots * sizeof *fds);
      owners = realloc(owners, fd_slots * sizeof *owners);
      streams = realloc(streams, fd_slots * sizeof *streams);
      if (fds == NULL || owners == NULL || streams == NULL) kill_all_and_exit(70);
    }
    nfds_t count = 0;
    fds[count++] = (struct pollfd){0, POLLIN, 0};
    fds[count++] = (struct pollfd){exits, POLLIN, 0};
    for (size_t i = 0; i < child_slots; i++) {
      struct child *child = &children[i];
      if (!child->in_use || child->closed || (child->paused && !child->exited)) continue;
      for (int stream = 0; stream < 2; stream++) {
        if (child->out[stream] < 0) continue;
        owners[count] = child;
        streams[count] = stream;
        fds[count++] = (struct pollfd){child->out[stream], POLLIN, 0};
      }
    }
    if (poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      kill_all_and_exit(71);
    }
    if (fds[1].revents != 0) {
      struct signalfd_siginfo info;
      while (read(exits, &info, sizeof info) == sizeof info) {
      }
      reap();
    }
    for (nfds_t i = 2; i < count; i++) {
      if (fds[i].revents != 0 && owners[i]->in_use && owners[i]->out[streams[i]] == fds[i].fd) {
        read_output(owners[i], streams[i]);
      }
    }
    if (fds[0].revents != 0) read_requests();
  }
}
