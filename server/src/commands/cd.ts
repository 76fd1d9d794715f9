import type {Command} from '../cli/command-types';
import {goQuote} from '../cli/quote';
import {errorLine} from '../terminal/style';
import type {Handler} from './types';

type Cd = Extract<Command, {kind: 'cd'}>;

/** The lessons this page sent, for messages ("none yet" when it sent none). */
function lessonList(lessons: Iterable<string>): string {
  const names = [...lessons].sort();
  return names.length > 0 ? names.join(', ') : 'none yet (open a lesson page with a Dockerfile block)';
}

/**
 * `cd LESSON`: makes LESSON the lesson whose folder `docker build .` builds
 * (the prompt shows it: `lab:LESSON$`), as a Run on one of its blocks does.
 * Only lessons whose Dockerfile the page sent can be chosen. `cd` alone says
 * which lesson is current and which the page offers.
 */
export const cd: Handler<Cd> = async (cmd, env) => {
  const {session, term} = env;
  const available = session.dockerfiles.keys();
  if (cmd.lesson === undefined) {
    const current = session.currentLesson;
    term.write(
      (current ? `Current lesson: ${current} (docker build . builds its folder)\r\n` : 'No lesson chosen yet.\r\n') +
        `Lessons on this page: ${lessonList(available)}. Switch with: cd LESSON\r\n`,
    );
    return 0;
  }
  const lesson = cmd.lesson;
  if (session.dockerfiles.has(lesson)) {
    session.currentLesson = lesson;
    return 0;
  }
  const name = goQuote(lesson);
  const why = (await env.lessons.exists(lesson))
    ? `the page has not sent the Dockerfile of lesson ${name}: open its page (or press its Build button) first`
    : `no lesson named ${name}`;
  term.write(errorLine(`cd: ${why}; the lesson is still ${session.currentLesson ?? '(none)'}\nLessons on this page: ${lessonList(available)}`));
  return 1;
};
