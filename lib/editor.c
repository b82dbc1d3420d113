/* editor.c - running the user's editor on a file.  */
#include <config.h>

#include "editor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

const char *
ehl_editor (void)
{
  const char *term = getenv ("TERM");
  const char *visual = getenv ("VISUAL");
  const char *editor = getenv ("EDITOR");
  if (visual && *visual && !(term && strcmp (term, "dumb") == 0))
    return visual;
  if (editor && *editor)
    return editor;
  return "vi";
}

/* In the child: give the editor the terminal for any of standard
   input and output that is redirected, when there is a terminal.  */
static void
use_terminal (void)
{
  if (isatty (STDIN_FILENO) && isatty (STDOUT_FILENO))
    return;
  int tty = open ("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0)
    return;
  if (!isatty (STDIN_FILENO))
    dup2 (tty, STDIN_FILENO);
  if (!isatty (STDOUT_FILENO))
    dup2 (tty, STDOUT_FILENO);
  close (tty);
}

bool
ehl_run_editor (const char *editor, const char *path)
{
  /* sh -c 'EDITOR "$@"' EDITOR PATH: EDITOR is split by the shell as the
     user wrote it; PATH stays one argument whatever it holds.  */
  size_t len = strlen (editor) + sizeof " \"$@\"";
  char *command = malloc (len);
  if (!command)
    {
      ehl_warn ("%s", strerror (ENOMEM));
      return false;
    }
  snprintf (command, len, "%s \"$@\"", editor);

  struct sigaction ignore, old_int, old_quit;
  memset (&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigemptyset (&ignore.sa_mask);
  fflush (NULL);
  pid_t pid = fork ();
  if (pid == 0)
    {
      use_terminal ();
      execl ("/bin/sh", "sh", "-c", command, editor, path, (char *) NULL);
      _exit (127);
    }
  int err = errno;
  free (command);
  if (pid < 0)
    {
      ehl_warn ("cannot run the editor: %s", strerror (err));
      return false;
    }
  sigaction (SIGINT, &ignore, &old_int);
  sigaction (SIGQUIT, &ignore, &old_quit);
  int status;
  pid_t got;
  do
    got = waitpid (pid, &status, 0);
  while (got < 0 && errno == EINTR);
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGQUIT, &old_quit, NULL);

  if (got < 0)
    ehl_warn ("cannot wait for the editor: %s", strerror (errno));
  else if (WIFSIGNALED (status))
    ehl_warn ("the editor was killed by signal %d", WTERMSIG (status));
  else if (WEXITSTATUS (status) != 0)
    ehl_warn ("the editor failed (exit status %d)", WEXITSTATUS (status));
  else
    return true;
  return false;
}
