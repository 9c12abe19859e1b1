import type { LeadFieldSpec } from '../profile/assistant-profile';

/*
 * The phrases in which people give their details, for the rule-based lead extractor. Each
 * reader returns the value it found in a message, or undefined.
 */

// Letters and the combining marks many scripts write names with (Devanagari's vowel signs).
const NAME_WORD = "\\p{L}[\\p{L}\\p{M}'’.-]*";
const EXPLICIT_NAME = new RegExp(
  `\\b(?:my name is|my name's|my name’s|name's|call me)\\s+((?:${NAME_WORD})(?:\\s+${NAME_WORD}){0,4})`,
  'giu',
);
// "I'm X" names someone only when X looks like a name: capitalised ("I'm a beginner" does not).
const SELF_INTRO =
  /(?:^|[^\p{L}])(?:[Ii]'m|[Ii]’m|[Ii] am)\s+(\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*){0,2})/gu;
const NAME_FILLERS = new Set(['actually', 'really', 'just', 'simply']);
/** Words that end a name, or show that what follows "I'm" is not one. */
const NOT_NAME = new Set(
  (
    'a an the and but or so from in at on of to for with here there please thanks thank ' +
    'hi hello hey yes yeah no nope ok okay sure nice cool great fine good glad happy sorry ' +
    'not just new looking interested curious ready trying hoping learning working based living ' +
    'still also currently really very quite pretty fairly totally complete total ' +
    'beginner beginners novice newbie intermediate advanced expert experienced professional pro ' +
    'trader investor student retired thinking wondering going doing planning back skip none ' +
    'my your me you i it this that what who how why'
  ).split(' '),
);

/** "my name is Ana Silva", "call me Ana", "I'm Ana" (the last one wins). */
export function nameIn(message: string): string | undefined {
  const explicit = [...message.matchAll(EXPLICIT_NAME)].map((match) => takeName(match[1], true));
  const intros = [...message.matchAll(SELF_INTRO)].map((match) => takeName(match[1], false));
  return [...explicit, ...intros].filter((name) => name !== undefined).at(-1);
}

/** A short answer to "may I have your name?": "Ana", "It's Ana Silva", "ana here". */
export function bareName(answer: string): string | undefined {
  const rest = answer
    .replace(/^(?:(?:hi|hello|hey|sure|ok|okay|yes|yeah)\b[\s,!.]*)*/i, '')
    .replace(/^(?:it's|it’s|it is|i'm|i’m|i am|my name is|this is|call me|name's)\s+/i, '')
    .replace(/[.!\s]+$/, '');
  if (!new RegExp(`^${NAME_WORD}(?:\\s+${NAME_WORD}){0,3}$`, 'u').test(rest)) return undefined;
  return takeName(rest, true);
}

function takeName(text: string, skipFillers: boolean): string | undefined {
  const words = text.split(/\s+/).map((word) => word.replace(/\.+$/, ''));
  while (skipFillers && words.length > 0 && NAME_FILLERS.has(words[0].toLowerCase())) words.shift();
  const name: string[] = [];
  for (const word of words) {
    if (word === '' || NOT_NAME.has(word.toLowerCase())) break;
    name.push(word);
  }
  if (name.length === 0) return undefined;
  const joined = name.join(' ');
  // Someone who types "ana silva" is still Ana Silva.
  return joined === joined.toLowerCase()
    ? joined.replace(
        /(^|[\s'’-])(\p{L})/gu,
        (_, before: string, letter: string) => before + letter.toUpperCase(),
      )
    : joined;
}

const SELF = String.raw`\b(?:i'?m|i’m|i am|i'd say i'?m|i would say i'?m)\s+(?:(?:a|an|still|just|very|quite|pretty|fairly|rather|complete|total|absolute|an absolute|more of an?|kind of an?|sort of an?)\s+)*`;
const EXPERIENCE_STATEMENTS: readonly [RegExp, string][] = [
  [new RegExp(`${SELF}(?:beginner|novice|newbie|new (?:to|at|in)\\b)`, 'i'), 'beginner'],
  [new RegExp(`${SELF}intermediate\\b`, 'i'), 'intermediate'],
  [new RegExp(`${SELF}(?:advanced|expert|experienced|professional|pro)\\b`, 'i'), 'advanced'],
  [/\bnew to (?:trading|investing|the markets?|stocks|forex|crypto)\b/i, 'beginner'],
  [
    /\bi(?:'ve| have)? (?:just|only just|recently) (?:started|begun|begin)\b|\bjust starting\b|\bstarting out\b/i,
    'beginner',
  ],
  [/\bi(?:'ve| have)? never (?:traded|invested)\b/i, 'beginner'],
  [/\b(?:no|zero|not much|hardly any|very little)\s+(?:trading\s+)?experience\b/i, 'beginner'],
  [/\b(?:some|a bit of|a little|moderate)\s+(?:trading\s+)?experience\b/i, 'intermediate'],
  [/\bprofessional trader\b|\btrade professionally\b|\btrading professionally\b/i, 'advanced'],
];
const YEARS =
  /\b(\d+|a|an|one|two|a couple of|a few|few|three|four|five|six|seven|eight|nine|ten|many|several|over \d+|more than \d+)\s+(years?|months?|weeks?)\s+(?:of\s+)?(?:trading|experience|investing)\b|\btrading (?:for|since)\s+(\d+|a|an|one|two|a couple of|a few|three|four|five|six|seven|eight|nine|ten|many|several|over \d+|more than \d+)\s+(years?|months?|weeks?)\b/i;

/** "I'm a beginner", "I have some experience", "5 years of trading". */
export function experienceIn(message: string): string | undefined {
  for (const [pattern, level] of EXPERIENCE_STATEMENTS) if (pattern.test(message)) return level;
  const years = message.match(YEARS);
  if (!years) return undefined;
  const amount = (years[1] ?? years[3]).toLowerCase();
  const unit = (years[2] ?? years[4]).toLowerCase();
  if (!unit.startsWith('year')) return 'beginner';
  return ['a', 'an', 'one', 'two', 'a couple of', '1', '2'].includes(amount)
    ? 'intermediate'
    : 'advanced';
}

const EXPERIENCE_WORDS: readonly [RegExp, string][] = [
  [
    /\b(?:beginner|novice|newbie|new|none|nothing|no experience|never|just start\w*|starting out|zero)\b/i,
    'beginner',
  ],
  [/\b(?:intermediate|some|moderate|medium|average|a bit|a little|middle)\b/i, 'intermediate'],
  [/\b(?:advanced|expert|experienced|professional|pro|years|a lot|lots)\b/i, 'advanced'],
];

/** A short answer to the experience question: the level whose word comes first. */
export function bareExperience(answer: string): string | undefined {
  const hits = EXPERIENCE_WORDS.map(([pattern, level]) => ({ level, at: answer.search(pattern) }));
  return hits.filter((hit) => hit.at >= 0).sort((a, b) => a.at - b.at)[0]?.level;
}

/** A short answer to a choice question: the option it names first. */
export function bareChoice(field: LeadFieldSpec, answer: string): string | undefined {
  const lower = answer.toLowerCase();
  const hits = (field.options ?? []).map((option) => ({
    option,
    at: lower.search(new RegExp(`\\b${option}\\b`)),
  }));
  return hits.filter((hit) => hit.at >= 0).sort((a, b) => a.at - b.at)[0]?.option;
}

const GOAL =
  /\b(?:my (?:main |primary |biggest )?goals? (?:is|are|would be)|i(?:'d| would) (?:like|love) to|i (?:want|wish|hope|plan|aim) to|i'?m (?:hoping|looking|trying|aiming|planning) to)\s+([^.!?\n]+)([.!?\n]|$)/i;
/** What follows "I want to" that is a request in the conversation, not a goal. */
const NOT_A_GOAL =
  /^(?:to\s+)?(?:know|ask|understand what|see|check|talk|speak|say|skip|stop|leave|unsubscribe|share|give|tell|be called|be contacted)\b/i;

/** "My goal is to …", "I want to …", "I'd like to learn …" (not in a question). */
export function goalIn(message: string): string | undefined {
  const match = message.match(GOAL);
  if (!match || match[2] === '?') return undefined;
  const goal = match[1].trim().replace(/^to\s+/i, '');
  if (NOT_A_GOAL.test(goal) || goal.length < 2) return undefined;
  return goal.charAt(0).toUpperCase() + goal.slice(1);
}

const REFUSAL =
  /^\s*(?:no|nope|nah|skip|pass|n\/a|none|no thanks|no thank you|not now|later|rather not|i'?d rather not|i would rather not|prefer not|i'?d prefer not|i prefer not|not telling|i don'?t want to)\b/i;

/** "no", "skip", "I'd rather not": the visitor declines to give what was asked. */
export function isRefusal(message: string): boolean {
  return REFUSAL.test(message);
}
