/** The ten authentication questions; a new account answers at least two. */
export const AUTHENTICATION_QUESTIONS = [
  { id: 'Q1', text: 'What is the name of the city where you were born?' },
  { id: 'Q2', text: 'What was the name of your first pet?' },
  { id: 'Q3', text: 'What was the make of your first car?' },
  { id: 'Q4', text: 'What is the name of the street you grew up on?' },
  { id: 'Q5', text: 'What was the name of your elementary school?' },
  { id: 'Q6', text: "What is your oldest sibling's middle name?" },
  { id: 'Q7', text: 'In what city did your parents meet?' },
  { id: 'Q8', text: 'What was your childhood nickname?' },
  { id: 'Q9', text: 'What was the first concert you attended?' },
  { id: 'Q10', text: 'What is the name of your favorite teacher?' },
] as const;

export const MIN_ANSWERS = 2;
