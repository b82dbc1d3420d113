/* editor.h - letting the user edit a file in their own editor, the way
   "git commit" does.  */
#ifndef EHLOG_EDITOR_H
#define EHLOG_EDITOR_H

#include <stdbool.h>

/* The editor to run: $VISUAL (unless TERM is "dumb"), else $EDITOR,
   else "vi".  */
const char *ehl_editor (void);

/* Run EDITOR on PATH and wait for it.  EDITOR is a shell command that
   may carry arguments ("emacs -nw", "sh fill"); PATH is passed as its
   last argument, whole, whatever characters it holds.  While it runs,
   the editor talks to the terminal (/dev/tty) even when our standard
   input or output is redirected, and an interrupt goes to the editor
   alone.  True when it
   exited with status 0; otherwise the reason is reported.  */
bool ehl_run_editor (const char *editor, const char *path);

#endif
