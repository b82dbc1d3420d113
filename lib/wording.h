/* wording.h - the words of the Early Help Conversation Log: the scaling
   question, the three houses and the example questions of the guidance
   (seeds/early-help-conversation-log-guidance.txt), kept in one place so
   every program asks the same question in the same words.  */
#ifndef EHLOG_WORDING_H
#define EHLOG_WORDING_H

#include <stddef.h>

/* The form's scaling question, word for word: the "question" of every
   scale record a conversation log makes.  */
extern const char ehl_situation_question[];

/* "Start with what's going well": the guidance's advice on the order.  */
extern const char ehl_start_with_going_well[];

/* One of the three houses the child writes or draws in.  */
struct ehl_house
{
  const char *heading;          /* "House of Worries" */
  const char *meaning;          /* "things that need to change" */
};
extern const struct ehl_house ehl_houses[3];

/* One of the practitioner's three columns and its example questions.
   "___" in a question marks a blank for the child's name.  */
struct ehl_column
{
  const char *heading;          /* "What are we worried about?" */
  const char *const *questions; /* NULL-terminated */
};
extern const struct ehl_column ehl_columns[3];

/* TEXT with every "___" replaced by NAME (left as it is when NAME is
   NULL or empty), in a malloc'd string; NULL if memory ran out.  */
char *ehl_fill_blanks (const char *text, const char *name);

#endif
