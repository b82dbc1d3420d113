/* wording.c - the words of the Early Help Conversation Log.  The
   guidance's wording is kept; only its spelling and spacing are
   tidied.  */
#include <config.h>

#include "wording.h"

#include <stdlib.h>
#include <string.h>

const char ehl_situation_question[] =
  "On a scale of 0-10 where 10 means this problem is sorted out as much as"
  " it can be and zero means things are so bad for the young person you"
  " need to get professional or other outside help, where do you rate this"
  " situation today?";

const char ehl_start_with_going_well[] =
  "Start with what's going well, then move backwards and forwards between"
  " the first two columns as the child's lived experience is explored, to"
  " reach an informed view of what needs to happen.";

const struct ehl_house ehl_houses[3] = {
  { "House of Worries", "things that need to change" },
  { "House of Good Things",
    "things that are going well, things that help you escape your worries" },
  { "House of Dreams", "how things would look if your worries were gone" },
};

static const char *const worried_questions[] = {
  "What has happened, what have you seen, that makes you worried about"
  " this child/young person?",
  "When you think about what has already happened to ___, what do you"
  " think is the worst thing that could happen to ___ because of this"
  " problem?",
  "Are there things happening in ___'s life or family that make this"
  " problem harder to deal with?",
  NULL
};

static const char *const going_well_questions[] = {
  "What do you like about ___? What are his/her best attributes?",
  "Who are the people that care most about ___? What are the best things"
  " about how they care for ___?",
  "Who would ___ say are the most important people in his/her life?",
  "How do they help ___ grow up well?",
  "Have there been times when this problem has been dealt with or was"
  " even a little better? How did that happen?",
  NULL
};

static const char *const needs_to_happen_questions[] = {
  "Having thought more about this problem now, what would you need to see"
  " that would make you satisfied that the situation is at a 10?",
  "What would ___ need to see that would make them say this problem is"
  " completely sorted out?",
  "What do you think is the next step that should happen to get this"
  " worry sorted out?",
  NULL
};

const struct ehl_column ehl_columns[3] = {
  { "What are we worried about?", worried_questions },
  { "What is going well?", going_well_questions },
  { "What needs to happen?", needs_to_happen_questions },
};

char *
ehl_fill_blanks (const char *text, const char *name)
{
  static const char blank[] = "___";
  if (!name || !*name)
    return strdup (text);
  size_t blanks = 0;
  for (const char *p = strstr (text, blank); p; p = strstr (p + 3, blank))
    blanks++;
  size_t len = strlen (text) + blanks * strlen (name) + 1;
  char *out = malloc (len);
  if (!out)
    return NULL;
  char *o = out;
  for (const char *p = text; *p;)
    if (strncmp (p, blank, 3) == 0)
      {
        o = stpcpy (o, name);
        p += 3;
      }
    else
      *o++ = *p++;
  *o = '\0';
  return out;
}
