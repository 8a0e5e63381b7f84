"""Agreement with vignettes written independently of the rulebook, from PRACTICE.md alone.

Each held-back file was written by someone who had not seen the rulebook, its patterns
or the main vignette suite. First measurements, before any fix they prompted:
- heldback.yml (45 cases): 78% level agreement, 3 level-4 cases read lower, 5 routes missed;
- heldback2.yml (40 cases, kept back until the end): 78% agreement, 3 level-4 cases read
  lower (each flagged for human review), 6 routes missed.
- heldback3.yml (40 cases, written 2026-11-23 after a round of fixes from our own probes):
  77.5% agreement, 4 level-4 cases read lower (a disabled child's marks, an unaccompanied
  child, insulin stopped, a nursery worker's pinch), 3 routes missed;
- heldback4.yml (40 cases, written while set 3's gaps were being fixed, measured once the
  fixes had landed): 82.5% agreement, no level-4 case read lower, 3 routes missed; 5 of
  its 7 disagreements read the case higher than the writer;
- heldback5.yml (40 cases, written once set 4's fixes had landed): 70% agreement, 3 level-4
  cases read lower (a suicide plan told through stockpiled tablets and a chosen date, a
  friend of 12 pregnant by an adult, a coach grooming a boy), 2 of them flagged for review;
  2 routes missed;
- heldback6.yml (40 cases, written once set 5's fixes and the alarm-word review had
  landed): 77.5% agreement, 2 level-4 cases read lower (suspected FII told as seizures no
  one has witnessed, flagged for review; a trafficked child doing a family's housework,
  read as private fostering at level 1 and not flagged), 3 routes missed;
- heldback7.yml (40 cases, written once set 6's fixes had landed): 75% agreement, 1
  level-4 case read lower (a coach grooming a boy, named for the LADO and flagged for
  review), 3 routes missed.
- heldback8.yml (40 cases, written once set 7's fixes had landed): 70% agreement, no
  level-4 case read lower, 2 routes missed. After its clear gaps were fixed it stood at
  80%; it passed 90% once four level-2 needs, not three, were needed to raise a case to
  level 3 (independent writers put such cases at level 2 five times in seven).
- heldback9.yml (40 cases, 23 November 2026): 85% agreement, 3 level-4 cases read lower
  (one in Polish, flagged; suspected FII told without the word, not flagged; a sex
  offender "on the register" moving in, flagged), 3 routes missed. Two more advisors,
  who saw only the case texts, agreed with its writer on 39 of 40 levels each and with
  each other on all 40: its disagreements were gaps in the rules, not judgement calls.
- Five development sets (dev/dev1-5.yml, 60 cases each, written the same way but to find
  gaps, not to measure): first readings 57% (20 level-4 cases read lower, written to
  describe level-4 harm only indirectly), 63% (29 routes missed, written around the
  routes), 78%, 68%, 68%. Their gaps were fixed in general form; they now guard those
  fixes (no level-4 case read lower, every route named, at least 80% agreement).
- fresh/heldback10.yml and fresh/heldback11.yml (40 cases each, written while the
  development sets were being fixed and measured once all those fixes had landed):
  77.5% and 77.5% agreement; level-4 cases read lower 2 and 3, every one flagged for
  human review; 0 and 2 routes missed. After general fixes both stand at 85% with no
  level-4 case read lower and every route named; they assert the safety targets only.
  Two more advisors labelled sets 10 and 11 from the texts alone: writer and advisors
  agreed on 92.5-100% of levels, the engine's first reading on 75-80% with each.
- Three more development sets (dev/dev6-7.yml and one kept out of the suite because a
  route in it is named two sentences from the person, which the rules cannot link):
  first readings 58%, 67%, 53%, fixed in general form.
- fresh/heldback12.yml and fresh/heldback13.yml (40 cases each, written while those
  development sets were fixed, measured once after): 70% and 72.5% agreement; level-4
  cases read lower 3 and 2 (one not flagged); no route missed in either. After general
  fixes both stand at 77.5% with no level-4 case read lower and every route named.
- fresh/heldback14.yml and fresh/heldback15.yml (40 cases each, written 23 November 2026,
  set 15's writer asked to describe harm indirectly, in callers' everyday words): 82.5%
  and 72.5% agreement. Set 14: no level-4 case read lower, but a toddler alone at an
  open fourth-floor window was level 4 without "phone 999". Set 15: 5 level-4 cases read
  lower, every one flagged for review (a purple patch on a baby, a 12-year-old asking for
  the morning-after pill, FII told as fits no one has seen, a coach asking for pictures,
  an overdose an hour ago at the top of a car park); 2 routes missed. After general
  fixes: 87.5% and 95%, no level-4 case read lower, every route named.
- fresh/heldback16.yml and fresh/heldback17.yml (40 cases each, written 23 November 2026
  once the fixes from sets 14 and 15 had landed): 75% and 80% agreement. Set 16: 2
  level-4 cases read lower, both flagged (a blueish "fingertip-sized" mark on a baby
  mentioned in passing; a girl texting from a bathroom as her stepdad kicks the door in),
  and one in another language, flagged; no route missed. Set 17: no level-4 case read
  lower; 1 route missed (a coach's grooming messages). After general fixes: 92.5% and
  85%, no level-4 case read lower, every route named.
- fresh/heldback18.yml and fresh/heldback19.yml (40 cases each, written 23 November 2026
  once the fixes from sets 16 and 17 had landed): 77.5% and 82.5% agreement. Set 18: no
  level-4 case read lower except one in another language (flagged), but a girl hiding
  while "it's happening now" was level 4 without "phone 999"; 1 route missed (a mum's
  friend "since early January"). Set 19: no level-4 case read lower; 2 routes missed (a
  midday supervisor; forum videos praising attacks). After general fixes: 85% and 90%,
  no level-4 case read lower, every route named.
- fresh/heldback20.yml and fresh/heldback21.yml (40 cases each, written 23 November 2026
  once the fixes from sets 18 and 19 had landed): 87.5% and 80% agreement, the closest
  yet to the target and still below it. No level-4 case read lower in either, except one
  in another language in each (flagged for an advisor to read); routes missed 2 (a
  coach's grooming messages told as "messages our coach sent"; a "proscribed Islamist
  group") and 1 (the case in another language). After general fixes: 90% and 92.5%.
- fresh/heldback22.yml and fresh/heldback23.yml (40 cases each, written 23 November 2026
  once the fixes from sets 20 and 21 had landed): 85% and 90% agreement. Set 23 is the
  first to reach 90% on its first reading, but it does not meet the target: one level-4
  case was read lower without a flag for review (a coach grooming a girl with vapes, a
  phone, lifts and "delete these"), and 4 routes were missed (that LADO; private
  fostering told as "a friend of her mum's from church, not actually related" and as an
  unrelated "uncle"; Prevent for a preacher "who praises ISIS attacks"). Set 22: 1
  level-4 case read lower, flagged ("dont tell dad but he hits me" read as a denial); no
  route missed. After general fixes: 87.5% and 92.5%, no level-4 case read lower, every
  route named.
- fresh/heldback24.yml and fresh/heldback25.yml (40 cases each, written 23 November 2026
  once the fixes from sets 22 and 23 had landed): 80% and 87.5% agreement. Set 24: no
  level-4 case read lower except one in another language (flagged), every route named.
  Set 25: 1 level-4 case read lower, flagged (county lines told through cash, handsets
  and wraps 90 miles from home); 2 routes missed (Prevent for forums praising a mosque
  attacker; police FGM told as "closed"). After general fixes: 82.5% and 90%.
- fresh/heldback26-30.yml (40 cases each, written 1 December 2026 by five writers who read
  only PRACTICE.md and CONTRACT.md section 2). Before any of them was read, the first
  readings of sets 16-25 were re-run at their own earlier commits: 23 of their 81
  disagreements were level-1 cases read as level 2 (procedure questions about no child,
  complaints about an ordinary school sanction, a mother's own FGM, short stays, explained
  tiredness), so level-1 readings were added first. Sets 26-28 were then measured once:
  75%, 77.5% and 85% agreement; level-4 cases read lower 2 (an overdose just taken with
  "this is goodbye", flagged; drug use in the home told at the end of a long message,
  flagged) and 2 (a friend's disclosure with "blet", flagged; one in Polish) and 0; 999
  missed 1, 2 and 0 times; routes missed 0, 3 and 0. Sets 29-30 were measured once after those fixes: 87.5% and 70% agreement; level-4
  cases read lower 0 and 3 (a 3-year-old's disclosure after "don't touch my wee-wee", a
  drunk mother starting the car with her child, long-term neglect the caller asked to be
  called level 2; all flagged but the last); routes missed 1 and 1. After general fixes sets 26-30 stand at 92.5%, 97.5%, 100%,
  95% and 87.5%, with no level-4 case read lower and every route named.
- fresh/heldback31-34.yml (40 cases each, written 1 December 2026 the same way, measured
  once after the fixes from sets 26-30): 75%, 80%, 90% and 85% agreement. Set 33 reached
  90% but missed 2 routes (Prevent for "ISIS were 'right'"; the LADO for messages from
  "Mr Hale, one of our PE teachers"). Level-4 cases read lower: set 31, 3, all flagged
  for review (a 12-year-old's misspelt "havin sex" with a 19-year-old; an overdose just
  taken, "ive taken all my mums pills"; a 2-year-old alone by an open third-floor window;
  and one in Polish); set 32, 2 (exploitation told at the end of a long message as "has
  to 'do stuff' with them", NOT flagged; a girl at the top of a multi-storey, flagged);
  set 34, 1, flagged (an overdose and a walk to a railway bridge). Routes missed 0, 0, 2,
  1 (Prevent for calling bombers heroes). After general fixes: 95%, 97.5%, 90%, 100%.
- fresh/heldback35-38.yml (40 cases each, written 1 December 2026 the same way, measured
  once after the fixes from sets 31-34): 82.5%, 82.5%, 77.5% and 85% agreement. Level-4
  cases read lower 0, 1, 2 and 0 (two overdoses told as "a whole pack", both missing 999;
  a misspelt "sex offnders regester" boyfriend moving in; all flagged), plus one in
  Spanish (flagged); routes missed 0, 1, 1, 0 (private fostering "since then" after a
  month named earlier, and with "friends, not relatives"). After general fixes: 87.5%,
  95%, 87.5%, 97.5%.
- fresh/heldback39-42.yml (40 cases each, written 1 December 2026 the same way, measured
  once after the fixes from sets 35-38): 92.5%, 85%, 87.5% and 87.5% agreement, the best
  round so far, and still short of the target: set 39 reached 92.5% but read one level-4
  case lower (county lines told as "owes some olders", "do runs" and a misspelt
  "explioted", flagged), and its case in Spanish was read lower too (flagged). Level-4
  cases read lower in the others: 0 (and one in Polish, flagged), 2 (an overdose told as
  "taken them all", a drunk father with a knife "taking her" now; both missing 999, both
  flagged) and 1 (an overdose told as "taken all of them, the whole box", flagged). Routes
  missed 0, 2, 2, 1. After general fixes: 97.5%, 92.5%, 95%, 87.5%.
- fresh/heldback43-46.yml (40 cases each, written 1 December 2026 the same way, measured
  once after the fixes from sets 39-42): 85%, 80%, 77.5% and 72.5% agreement, back down:
  the round before was not a trend. Level-4 cases read lower: 1 (a drunk father
  strapping a toddler into his car, two sentences apart; flagged) and one in French
  (flagged); 0; 1 (an overdose told as "ive taken the lot, sorry, love you all", read as
  a child left alone at level 3 and NOT flagged); 5 (an overdose "took a whole packet",
  a mother not moving beside a needle with her toddler, a PE teacher asking for pictures
  "just for him", insulin stopped for a diet, a boy working off "money for the journey";
  all flagged). Routes missed 0, 2, 1, 1. After general fixes (among them
  `emergency_rules`: needs that together mean danger now): 92.5%, 87.5%, 95%, 95%.
- fresh/heldback47-50.yml (40 cases each, written 1 December 2026 the same way; sets
  47-49 measured once after the fixes from sets 43-46, set 50, which arrived later, once
  after the fixes from sets 47-49): 80%, 87.5%, 87.5% and 82.5% agreement. Level-4 cases
  read lower: 1 (a deaf girl's disclosure, signed, about night care staff; flagged) and
  999 missed for a mother who cannot be woken beside needles with her toddler; 0 and one
  in Polish (flagged); 1 (a sex offender "on a list" moving in, told at the end of a long
  message; flagged); 2 (a toddler crying behind a door no one answers, flagged; a
  boyfriend who "has a record" for "something with a young girl", NOT flagged). Routes
  missed 3, 0, 0, 1. After general fixes: 90%, 97.5%, 95%, 95%.
- fresh/heldback51-56.yml (40 cases each, written 1-2 December 2026 the same way by six
  new writers, measured once at commit fe09081, before any fix they prompted): 95%, 90%,
  82.5%, 85%, 85% and 85% agreement (87.1% over the 240 cases). Set 51 met the whole
  target on its first reading: 95% agreement, no level-4 case read lower, every route
  named. Level-4 cases read lower: 0; 1 (long-term neglect persisting after early help
  and a TAF, told through an empty kitchen, dog mess and a bare mattress; NOT flagged);
  2 (a sex offender told as "on that register", flagged; a teaching assistant who
  squeezed a girl's arm leaving four oval bruises, NOT flagged); 0; 0; 0. Routes missed
  0, 1 (the LADO for "Mr Hollis (PE)"), 1 (the same TA), 0, 0, 0. The commonest
  disagreements left were level 1 read as 2 (12 of 31): texts with nothing the rules
  recognise, and ordinary matters (a felt-tip "mark", fillings being done, a family
  rehoused). After general fixes: 97.5%, 100%, 97.5%, 95%, 97.5%, 100%.
- fresh/heldback57-62.yml (40 cases each, written 2 December 2026 the same way, measured
  once at commit dd3131e, after the fixes from sets 51-56): 82.5%, 92.5%, 87.5%, 92.5%,
  90% and 87.5% agreement (88.8% over the 240 cases). None met the whole target: set 58
  (92.5%) missed the LADO for a child's words "Miss Kelly squeezed me", set 60 (92.5%)
  read long-term neglect after "two rounds of early help over three years" lower (NOT
  flagged: "no bed for Archie and dog mess" was read as a denial), set 61 (90%) missed
  Prevent for "taking our country back" and a nationalist logo. Set 59 read a friend's
  account of being hit "with the hoover pipe" lower (NOT flagged). Eight of the 27
  disagreements were level-1 texts in which the rules recognised nothing (level 2 with
  review). After general fixes: 97.5%, 100%, 100%, 97.5%, 100%, 97.5%.
- fresh/heldback63-68.yml (40 cases each, written 2 December 2026 the same way, measured
  once at commit c955b65, after the fixes from sets 57-62): 100%, 87.5%, 90%, 92.5%,
  92.5% and 95% agreement (92.9% over the 240 cases, the first round above 90%). Set 66
  met the whole target on its first reading (92.5%, no level-4 case read lower, every
  route named). Set 63 agreed on every level but missed 2 routes (police FGM for a girl's
  own words "when the lady cut me"; the LADO for a room leader seen to "smack" a child).
  Level-4 cases read lower: 0, 0, 2 (a friend's account of being "thrown about" by mum's
  boyfriend; a PE teacher who grabbed a boy by the neck, read as the mild grab-by-staff
  exception; neither flagged), 0, 0, 1 (a volunteer coach asking a boy to keep their
  chats secret and for a photo "in just your shorts", flagged). Routes missed 2, 1, 0,
  0, 1, 2. After general fixes: 100%, 97.5%, 100%, 100%, 100%, 97.5%.
- fresh/heldback69-74.yml (40 cases each, written 2 December 2026 the same way, measured
  once at commit 5dc0333, after the fixes from sets 63-68): 90%, 90%, 87.5%, 87.5%, 90%
  and 87.5% agreement (88.8% over the 240 cases). Sets 69 and 70 met the whole target
  on their first reading (90%, no level-4 case read lower, every route named). Level-4
  cases read lower: 0, 0, 1 (county lines told through new phones, rolls of cash and an
  older man in an Audi; NOT flagged), 1 (insulin stopped, told with the parents further
  from the verb; NOT flagged), 1 (a friend's words "puts his cigarette out on me"; NOT
  flagged), 2 (county lines told as "running for someone", NOT flagged; a club coach
  who "squeezes my neck", flagged). Routes missed 0, 0, 0, 0, 1, 1. After general fixes:
  95%, 100%, 95%, 95%, 100%, 95%.
- fresh/heldback75-80.yml (40 cases each, written 6 December 2026 the same way by six new
  writers, each given a different kind of caller: school staff, health staff, police and
  the voluntary sector, rushed text-speak, long rambling accounts, and edge cases of age
  and status; measured once at commit ac85d6d, before any fix they prompted): 100%,
  87.5%, 92.5%, 80%, 85% and 87.5% agreement (88.8% over the 240 cases). Sets 75 and 77
  met the whole target on their first reading (100% and 92.5%, no level-4 case read
  lower, every route named). Level-4 cases read lower: 0, 0, 0, 1 (hb78-37, flagged), 1
  (hb79-18, NOT flagged), 1 (hb80-35, flagged). Routes missed 0, 1, 0, 1, 1, 0.
- fresh/heldback81-86.yml (40 cases each, written 6 December 2026 the same way by six new
  writers, each given a kind of caller: adult services noticing a client's child, early
  years, teenagers in their own words, rushed text-speak, callers who minimise (and
  anxious callers about ordinary things), and secondary schools about siblings; measured
  once at commit 894b4bc, after the fixes from sets 75-80): 82.5%, 77.5%, 85%, 95%, 87.5%
  and 87.5% agreement (85.8% over the 240 cases), and none met the whole target. Level-4
  cases read lower: 1 (a neighbour's 5-year-old left alone most evenings for a year,
  thin and in dirty clothes; NOT flagged), 2 (a 2-year-old's FGM seen at a nappy change;
  a cousin's facial bruise and finger marks "fell off the sofa"; both flagged), 0, 1 (a
  teacher seen punching his own son, flagged), 0, 1 (a 12-year-old who "done it" with a
  14-year-old, flagged). Routes missed 1, 1, 0, 1, 0, 0. Three level-1 cases were read
  as level 4: an accident at nursery read as an allegation, "nobody has ever been hit"
  read as a disclosure, and a teacher's word "battered" that the child explained.
- fresh/heldback87-92.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary week's mix, primary schools, health and clinical callers, police
  and housing, text-speak, and long accounts with the fact late or indirect; measured
  once at commit eca2f92, after the fixes from sets 81-86): 95%, 77.5%, 92.5%, 82.5%,
  92.5% and 80% agreement (86.7% over the 240 cases). Set 89 met the whole target on its
  first reading. Level-4 cases read lower, every one flagged for review: 1 (failure to
  thrive with no medical cause, gaining on the ward), 2 (an 11-year-old friend "doing
  sexual stuff" with a 15-year-old; FII told as seizures no one has seen), 0, 0, 1
  (a 12-year-old "doin it" with her 14-year-old boyfriend), 1 (a friend's burns from a
  cigarette lighter). Routes missed 0, 0, 0, 0, 1 (a girls' football coach grooming), 0.
  Five level-1 or level-3 cases were read as level 4, among them a parent's own
  childhood abuse told to a probation officer and a health visitor.
- fresh/heldback93-98.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: a typical day's mix, community settings (faith groups, clubs, tutors), health
  visitors and midwives, teenagers in their own words, text-speak, and indirect or
  euphemistic accounts; measured once at commit 8a522e8, after the fixes from sets
  87-92): 75%, 87.5%, 80%, 87.5%, 92.5% and 90% agreement (85.4% over the 240 cases), and
  none met the whole target (sets 97 and 98 reached 90% but each missed a route). Level-4
  cases read lower: 1 (a friend locked in a cupboard all evening without his tea; NOT
  flagged), 0, 2 (a toddler's FGM seen at a nappy change; a mother shoved into a door frame
  while holding her baby, the second time this month; both flagged), 1 (a 12-year-old who
  has "done it" with her boyfriend, flagged), 0, 0. Routes missed 1, 0, 2, 0, 1, 1: police
  FGM for "the cutting" abroad, the LADO for a childminder, a volunteer coach's snapchats
  and a supply teacher who pulled a boy by the ear.
- fresh/heldback99-104.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary week, GPs, early years and primary, police and youth justice, very
  short messages, and long weighed accounts; measured once at commit ef8d8ec, after the
  fixes from sets 93-98): 87.5%, 92.5%, 72.5%, 87.5%, 90% and 85% agreement (85.8% over the
  240 cases). Set 100 met the whole target on its first reading. Level-4 cases read lower:
  2 (an 11-year-old's "I've done it with Connor", flagged; a PE teacher who grabbed a boy
  by the throat, read as the LADO's alone and NOT flagged). No route was missed. Five
  level-1 cases were read as level 4, four of them a parent telling of her own childhood
  abuse and one a colleague's "what if a child told us".
- fresh/heldback105-110.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary week, health and pregnancy, schools with the child's words, police
  and voluntary sector in part text-speak, indirect accounts, and the child at risk not the
  one first named; measured once at commit fa1402f, after the fixes from sets 99-104):
  82.5%, 82.5%, 85%, 90%, 80% and 92.5% agreement (85.4% over the 240 cases). Sets 108
  and 110 met the whole target on their first reading. Level-4 cases read lower, every
  one flagged for review: 1 (a hand held over the hob, told at the end of a long message),
  0, 1 (a 12-year-old's "me and Jayden did it"), 0, 1 (county lines told as "a bit of work
  for a mate", a buzzing second phone and train tickets), 0. One route missed: the LADO for
  a father who "can be a bit rough" with a 3-week-old and works at a day nursery.
- fresh/heldback111-116.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: voluntary and community sector people without safeguarding training; pharmacists,
  dentists, paramedics and urgent-care nurses in clinical shorthand; police and youth justice
  in incident-log style; callers who minimise; anxious callers using alarming words in
  innocent senses; and long accounts of households with several children; measured once at
  commit f2dbf3a, after the fixes from sets 105-110): 90%, 85%, 87.5%, 95%, 92.5% and 92.5%
  agreement (90.4% over the 240 cases). Sets 114, 115 and 116 met the whole target on their
  first reading; set 111 reached 90% but missed a route. Level-4 cases read lower: 0, 1 (a
  12-year-old from abroad doing a non-relative's cleaning and childcare, out of school,
  read as level 1 with review; its private fostering missed too), 1 (county lines told as
  an older lad paying a 14-year-old to take 'bits' on the train and keep them in his
  boxers, at the end of a good YOT update; NOT flagged), 0, 0, 0. Routes missed 1, 1, 1,
  0, 0, 0: the LADO for a scout leader grooming a girl in his troop and for a stepdad
  who is a key worker at a day nursery. One level-2 case was read as level 4 ("a bit of a
  live wire" read as homelessness).
- fresh/heldback117-122.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: adult services noticing a client's children; school office and attendance staff;
  health visitors, midwives and neonatal nurses; callers filling in a form; youth workers
  and colleges about 15-17 year olds; and callers quoting the child's own words; measured
  once at commit 6250003, after the fixes from sets 111-116): 80%, 80%, 80%, 97.5%, 90% and
  87.5% agreement (85.8% over the 240 cases). Set 120 met the whole target on its first
  reading; set 121 reached 90% but missed a route. Level-4 cases read lower: 0, 1 (a child
  not seen for 19 school days, no answer at three home visits, the caller asking for
  level 1; NOT flagged), 3 (non-organic failure to thrive told through centiles, flagged;
  a father who 'gave him a bit of a shake' to stop a 5-month-old screaming, NOT flagged; a
  15-year-old pregnant by a 24-year-old man she met online, NOT flagged), 0, 0, 0. Routes
  missed 2, 0, 1, 0, 1, 0: the LADO for a nursery practitioner drinking before shifts, for
  a nurse seen gripping a baby hard and for a lecturer 'seeing' a 16-year-old student, and
  Prevent for a boy sharing posts that groups 'should be wiped out'. One level-1 case was
  read as a 999 emergency ('Right now she is completely stable', in a what-if question).
- fresh/heldback123-128.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: primary schools in an ordinary week; GPs and practice nurses; early years; very
  short messages; secondary safeguarding leads weighing strengths and worries; and disabled
  children and children with health conditions; measured once at commit bfa0502, after the
  fixes from sets 117-122): 87.5%, 92.5%, 70%, 97.5%, 82.5% and 75% agreement (84.2% over the
  240 cases). Sets 124 and 126 met the whole target on their first reading. Level-4 cases
  read lower: 1 (a registered sex offender moving in, told as 'on the sex offenders list
  for something silly', flagged), 0, 2 (a bruise on a 4-year-old with cerebral palsy who
  cannot move about, NOT flagged; FGM seen at a nappy change as 'scarred and partly closed
  over', flagged), 0, 2 (county lines told through older lads, wrapped packages and train
  tickets; a 12-year-old friend 'having sex with a 17-year-old'; both NOT flagged), 2 (a
  disclosure typed on an AAC device at the end of a good report, NOT flagged; insulin cut
  for a 'cure', flagged). Routes missed 0, 0, 3, 0, 0, 2: private fostering for a mum's best
  friend 'not related', Prevent for a father's 'white homeland' leaflets, police FGM, and
  the LADO for a night support worker slapping a resident and a TA gripping a child's
  wrists. Three level-1 cases were read as level 4: two parents telling of their own
  childhood in care, and a hypothetical bruise in a policy question.
- fresh/heldback129-134.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary week's mix; babies and toddlers under two; teenagers in their own
  words; callers who try to steer the answer; family and kinship arrangements with the child
  at risk not the one first named; and lists of small things or one decisive fact told
  indirectly; measured once at commit b5492ba, after the fixes from sets 123-128): 90%,
  82.5%, 80%, 90%, 87.5% and 92.5% agreement (87.1% over the 240 cases). Set 129 met the
  whole target on its first reading; set 132 reached 90% but read a level-4 case lower, and
  set 134 reached 92.5% but missed a route. Level-4 cases read lower, all NOT flagged: 0,
  1 (a bruise seen on a friend's 6-week-old during a visit to another child), 1 (a friend
  whose mum lets people smoke crack and inject in the living room), 1 (a swimming coach
  who put his hand inside an 8-year-old's trunks, named for the LADO only), 0, 0. One route
  missed: the LADO for a drama club leader messaging a girl late at night. Three level-2 or
  level-3 cases were read as level 4: 'when she was 7 months pregnant' read as a teenage
  pregnancy, a mother telling of her partner pushing her read as a child's disclosure, and
  'nobody's been hurt' read as a disclosure.
- fresh/heldback135-140.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: a busy secondary school; health callers; police, probation, youth justice and
  housing; early years and primary with children's own words; voluntary and faith groups;
  and rushed text-speak; measured once at commit c7907b2, after the fixes from sets
  129-134 and the new matcher): 82.5%, 90%, 80%, 77.5%, 82.5% and 95% agreement (84.6% over
  the 240 cases). Sets 136 and 140 met the whole target on their first reading. Level-4
  cases read lower: 1 (a 12-year-old 'doing it' most weekends with a Year 11 boyfriend,
  told at the end of an attendance message; NOT flagged), 0, 2 (a 13-year-old friend made by
  older boys to take packages to the coast, NOT flagged; a clip round the ear that cut a
  9-year-old, flagged), 1 (a 7-year-old's 'if I look away he hits me with his belt', read
  as a supposition, flagged; its Prevent route missed too), 0, 0. Five level-1 or level-2
  cases were read as level 4, four of them parents telling of their own childhood abuse
  in words the rules had not met ('as a lad', 'when she was about 10', 'got a bit teary
  and told me') and one a father's own medication.
- fresh/heldback141-146.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: family support and contact centre workers; callers asking about process; staff
  and volunteers in positions of trust; migrant, refugee and traveller families; neglect in
  all its forms; and older teenagers' online harms; measured once at commit f0dde59, after
  the fixes from sets 135-140): 87.5%, 92.5%, 87.5%, 90%, 82.5% and 82.5% agreement (87.1%
  over the 240 cases), and none met the whole target. Level-4 cases read lower: 2 (a
  childminder who 'smacks me with the wooden spoon', with a red line on her thigh, NOT
  flagged; adults smoking heroin in the front room with a baby crawling between them,
  flagged), 1 ('does things under the covers', flagged), 0, 1 (a girl from abroad cleaning
  and minding a non-relative's toddler all day, off any school roll; NOT flagged), 4 (a
  childminder who 'shuts me in the dark bathroom', NOT flagged; a home full of people using
  heroin and crack; failure to thrive told through centiles; a 5-year-old next door 'always
  on her own at night'; these three flagged), 3 (sextortion; parcels carried to clear a
  gaming debt; a suicide plan with a note, a belt and a date, misspelt; all flagged). Routes
  missed 0, 0, 1, 2, 1, 0: the LADO for a swimming coach locked in a changing room with a
  girl, for a Quran class teacher who hits with a stick and for a childminder, and private
  fostering for the girl from abroad.
- fresh/heldback147-152.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary week's mix; children's own words and teenagers' slang; parents'
  difficulties told from the parent's side; people who see a single moment (a bus driver,
  a receptionist, a swimming teacher); babies not yet born and newborns; and long messages
  mixing reassurance with one or two worrying facts; measured once at commit 64fc9b1, after
  the fixes from sets 141-146): 77.5%, 87.5%, 75%, 67.5%, 87.5% and 90% agreement (80.8% over
  the 240 cases). Set 152 met the whole target on its first reading. Level-4 cases read
  lower: 2 (FGM told as women who 'cut' her down there on a trip abroad; a gymnastics coach's
  hand inside a girl's leotard; both flagged), 2 ('OT in Margate, running a line' and owing
  his elder, NOT flagged; 'Daddy whacked my bum with the belt buckle', flagged), 1 (an
  8-year-old 'cut like the other girls' abroad, flagged), 0, 0, 0. Routes missed 2, 1, 1,
  1, 2, 0: police FGM twice, the LADO for the coach and for a healthcare assistant seen
  squeezing a baby's arm, private fostering with 'Aunty Grace from church', and Prevent for
  a boy saying a religious group 'deserve to be wiped out' and for a 16-year-old groomed to
  join a group fighting abroad.
- fresh/heldback153-158.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: ambulance and emergency department clinicians; voluntary and faith groups;
  housing and environmental health officers; children's own words relayed verbatim;
  probation and adult services whose client is a parent; sports coaches, tutors and
  childminders; measured once at commit b3442a4, rules alone): 82.5%, 62.5%, 77.5%, 72.5%,
  82.5% and 90% agreement (77.9% over the 240 cases), the lowest round yet. Level-4 cases
  read lower: 1 (fabricated illness told as insulin high with a low C-peptide, flagged), 1
  (needles and burnt foil by a boy's toys, misspelt, flagged), 0, 1 (two 12-year-olds who
  'did it', flagged), 0, 0. Routes missed 0, 0, 0, 1 (Prevent for 'our country's being
  replaced'), 0, 0. These sets were also the first prospective test of the second reader
  (see docs/thresholds.md).
- fresh/heldback159-164.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: GPs' clipped notes; police incident logs; nursery and children's centre staff;
  long chatty emails from heads of year; school nurses and counsellors writing in
  euphemism; and text messages from callers writing informally or in a second language;
  measured once at commit 367145c, the first round read by the rules and the second
  reader together, the reader never having seen these sets): 90%, 92.5%, 95%, 90%, 87.5%
  and 92.5% agreement (91.2% over the 240 cases; the rules alone at that commit: 85, 87.5,
  87.5, 87.5, 82.5, 82.5, 85.4%). Sets 160, 161 and 162 met the whole target. Level-4
  cases read lower: 1 (a 16-year-old's 29-year-old 'mate' giving vodka, weed and an
  iPhone, with sleepovers with his friends, told in passing at an acne review; NOT
  flagged), none in the others. Routes missed: 1 (private fostering for a boy who 'joined
  2 month ago', flagged as possible private fostering). Of the 21 disagreements, 19 read
  the case higher than its writer, most of them a parent's own childhood abuse or an
  ordinary event read as harm.
- fresh/heldback165-170.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: formal referrals from other authorities' social workers and hospital teams;
  receptionists, dinner staff and bus escorts; faith leaders and interpreters in migrant
  communities; midwives and health visitors about babies; youth offending and pupil
  referral unit staff; neighbours and relatives relayed by a librarian or a pharmacist;
  measured once at commit d08e200, the rules and the second reader, which had not seen
  them): 90%, 97.5%, 92.5%, 90%, 80% and 92.5% agreement (90.4% over the 240 cases; the
  rules alone: 85, 80, 80, 72.5, 72.5, 67.5, 76.2%). Five of the six sets met the whole
  target: no level-4 case was read lower, no 999 was missed and every route was named in
  any of them. Set 169 (young people's own streetwise words) read 80%: a teenager's
  'caution' or 'arrest' read as offending at level 3, and two fights read as abuse. Of
  the 23 disagreements, 19 read the case higher than its writer.
- fresh/heldback171-176.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary week's mix; special schools and disabled children; callers who
  minimise and ask for a lower level; online harms; family support workers' case
  updates; out-of-hours callers at night; measured once at commit 20ed1d3, the rules and
  the second reader, which had not seen them): 87.5%, 97.5%, 95%, 95%, 92.5% and 87.5%
  agreement (92.5% over the 240 cases; the rules alone: 87.5, 85, 85, 85, 80, 77.5,
  83.3%). Sets 172-175 met the whole target; no level-4 case was read lower, no 999 was
  missed and every route was named in all six. Of the 18 disagreements, 15 read the case
  higher than its writer.
- fresh/heldback177-182.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: primary school safeguarding leads; GP receptionists, pharmacists and dentists;
  tutors and academies for 15-17-year-olds; several children in one family; callers who
  correct themselves or add the key fact in a P.S.; regional dialect; measured once at
  commit fc7067a, the rules and the second reader, which had not seen them): 82.5%,
  90%, 97.5%, 95%, 80% and 97.5% agreement (90.4% over the 240 cases; the rules alone:
  82.5, 82.5, 92.5, 92.5, 75, 85, 85%). Sets 178, 179 and 182 met the whole target.
  Level-4 cases read lower: 1 (long-term neglect of three children despite two rounds of
  early help, read as level 3 by the reader and sent for review), none in the others; no
  route missed. Parents telling of their own childhood were again an over-reading (3 of
  the 23 disagreements), with a caller's correction ("I said domestic abuse ... I want to
  correct that") read as the domestic abuse it withdrew.
- fresh/heldback183-188.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: routine health visitor and school nurse contacts; police domestic abuse
  officers; secondary school jargon; messages of two or three sentences; long rambling
  messages with the key fact in the middle; refuges, food banks and young carers'
  services; measured once at commit 7809b1b, the rules and the second reader, which had
  not seen them): 95%, 87.5%, 95%, 90%, 90% and 77.5% agreement (89.2% over the 240
  cases; the rules alone: 95, 72.5, 92.5, 85, 80, 75, 83.3%). Sets 183, 185, 186 and 187
  met the whole target; no level-4 case was read lower, no 999 was missed and every route
  was named in all six. Of the 26 disagreements, 21 read the case higher than its writer:
  a lone word of low mood at level 2 in a level-1 case (4), 'serious domestic abuse'
  read in questions and resolved histories, and level-1 questions about process.
- fresh/heldback189-194.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; babies and toddlers; teenagers' lives outside home; parents'
  own histories mixed with the present; behaviour, attendance and special needs; worries
  about adults who work with children; measured once at commit 124ed8b, the rules and
  the second reader, which had not seen them): 97.5%, 90%, 90%, 85%, 90% and 85%
  agreement (89.6% over the 240 cases; the rules alone: 82.5, 75, 80, 77.5, 77.5, 82.5,
  79.2%). Sets 189, 191 and 193 met the whole target. Level-4 cases read lower: 1 (a
  father taking his toddler abroad 'to live with the fighters', read as radicalisation at
  level 2, not flagged). Routes missed: 12, eleven of them in set 194, whose writer put
  the LADO on 25 of 40 cases, told as a tutor calling a boy thick, a leader letting
  12-year-olds drink cider, a youth worker buying vodka, a coach cuffing a boy, a driver
  smoking cannabis before pick-ups, a childminder using cocaine; and one bruise on a baby
  after a day with a childminder.
- fresh/heldback195-200.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; babies, pregnancy and parents' health; 11-16-year-olds;
  3-11-year-olds; police and youth justice; voluntary, faith and sports groups; measured
  once at commit af7f262, the final code of the session, the rules and the second reader,
  which had not seen them): 95%, 87.5%, 95%, 92.5%, 92.5% and 87.5% agreement (91.7% over
  the 240 cases; the rules alone: 87.5, 82.5, 92.5, 85, 85, 80, 85.4%). Sets 195, 197,
  198 and 199 met the whole target, and the round met it as one set of 240: no level-4
  case read lower, no 999 missed, every route named. Of the 20 disagreements, 18 read the
  case higher than its writer (parents' own childhood abuse and questions about process
  read as disclosures, a teenager's own offending at level 3).
- fresh/heldback201-206.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: police officers; GP practice staff; health visitors and midwives; nurseries and
  childminders; secondary school pastoral staff; people outside children's services who
  rarely call (housing, debt advice, libraries, pharmacies); measured once at commit
  55bc68d, the rules and the second reader, which had not seen them): 97.5%, 97.5%, 95%,
  90%, 97.5% and 87.5% agreement (94.2% over the 240 cases; the rules alone: 82.5, 85, 85,
  82.5, 90, 77.5, 83.8%). Sets 201, 202, 203 and 205 met the whole target. Level-4 cases
  read lower: 1 (a registered sex offender moving in with a toddler, told as 'signs in at
  the police station every week and isn't allowed near schools or parks', where no rule
  found anything: level 2 and flagged for review). No route missed. Of the 14
  disagreements, 11 read the case higher than its writer: mothers' own childhood
  abuse read as disclosures (2), a police 'domestic' that was verbal only, child
  protection plans of six years ago read as a father drinking now, a witnessed bruise from
  a slide, self-harm two years past, a 13-year-old making his own tea read as left alone,
  'we're supposed to look out for bruising on babies' read as a bruise on a baby.
- fresh/heldback207-212.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; school nurses and sexual health clinics; very short messages
  and long rambling ones; primary schools; adult services that see a child through the
  parent; supplementary schools, refugee support, interpreters and home education;
  measured once at commit f6e8890, after the fixes from sets 201-206, the rules and the
  second reader, which had not seen them): 92.5%, 92.5%, 95%, 95%, 87.5% and 95%
  agreement (92.9% over the 240 cases; the rules alone: 85, 80, 75, 82.5, 80, 77.5,
  80.0%). Sets 207, 209 and 210 met the whole target. No level-4 case was read lower and
  no 999 missed. Routes missed: 2, both private fostering (a girl living 'with her best
  friend Chloe's family'; a family friend from church asked 'to have her'). All 17
  disagreements read the case higher than its writer: mothers' own childhood abuse and
  FGM told to a therapist or nurse (4), a mother's pelvic fracture read as the child's,
  and three the second reader raised to level 4 from words such as 'bleeding' (a first
  period) and 'died' (a father's death in A&E).
- fresh/heldback213-218.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; babies and the under-fives; teenagers; households with several
  children and adults; hesitant callers who hedge; clipped case notes full of acronyms;
  measured once at commit a05f577, after the fixes from sets 201-212, the rules and the
  second reader, which had not seen them): 95%, 97.5%, 97.5%, 100%, 97.5% and 90%
  agreement (96.3% over the 240 cases; the rules alone: 87.5, 80, 87.5, 92.5, 92.5, 87.5,
  87.9%). All six sets met the whole target: no level-4 case read lower, no 999 missed,
  every route named. All 9 disagreements read the case higher than its writer (a
  'CP plan (neglect) 2018 ... NFA 2019' read as neglect now, 'he's been hitting out' in
  the playground read as a disclosure, a debate project on knife law read as offending,
  'Mum's told me Callum has come home drunk' read as the mother's drinking).
- fresh/heldback219-224.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; health callers; education callers; community groups and
  private arrangements; police, probation, youth justice and housing; messages that try
  to mislead (instructions to the assistant, insisted levels, one serious fact in long
  irrelevant text, misspellings); measured once at commit 713dee2, after the fixes from
  sets 201-218, the rules and the second reader, which had not seen them): 97.5%, 97.5%,
  97.5%, 97.5%, 97.5% and 100% agreement (97.9% over the 240 cases; the rules alone: 95,
  85, 87.5, 80, 87.5, 92.5, 87.9%). Sets 219, 220, 222, 223 and 224 met the whole target.
  No level-4 case was read lower and no 999 missed. Routes missed: 1 (private fostering
  'since the end of August ... It's now November', a stay the rules could not date). Of
  the 5 disagreements, all read the case higher than its writer: a mother's own care
  history at booking read as a disclosure, self-harm 'back in Year 8', a family already
  moved out of temporary accommodation, and a father drunk at pick-up 'last week' read as
  an emergency now.
- fresh/heldback225-230.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; disabled children and special needs; children online and in
  relationships; parents' own difficulties; hurried phone messages full of abbreviations;
  children from abroad or on the move; measured once at commit a663924, after the fixes
  from sets 201-224, the rules and the second reader, which had not seen them): 97.5%,
  95%, 100%, 85%, 100% and 92.5% agreement (95.0% over the 240 cases; the rules alone:
  90, 82.5, 87.5, 82.5, 92.5, 75, 85.0%). Sets 225, 227 and 229 met the whole target.
  Level-4 cases read lower: 1 (an 18-month-old no professional has seen for three months
  while the family moved three times, where no rule found anything: read level 3 by the
  second reader and flagged for review). Routes missed: 1 (the LADO for a carer at a
  respite unit). Of the 12 disagreements, 10 read the case higher than its writer (a
  mother trafficked at fifteen, a football kick told by the child read as a disclosure,
  an asylum-seeking family's hotel room read as exploitation, a parent's word of drinking
  or time in prison beside a child whose needs are met).
- fresh/heldback231-236.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; rural and small-town callers; night and weekend callers;
  pupil referral units, alternative provision and home education; children's own words
  quoted at length; professionals worried about a colleague or volunteer; measured once
  at commit 74c516c, after the fixes from sets 201-230, the rules and the second reader,
  which had not seen them): 100%, 97.5%, 85%, 95%, 100% and 92.5% agreement (95.0% over
  the 240 cases; the rules alone: 95, 82.5, 72.5, 85, 90, 90, 85.8%). Sets 231, 232, 234
  and 235 met the whole target. No level-4 case was read lower and no 999 missed. Routes
  missed: 1 (the LADO for a volunteer minibus driver drunk at the wheel, where the 999
  was named). Of the 12 disagreements, 11 read the case higher than its writer: mothers'
  own childhood abuse told to a GP, a college tutor and a health visitor (3), a training
  scenario about an 'older guy', and two 14-year-olds buying crisps after ten at night,
  read as level 4 by the second reader where no rule found anything.
- fresh/heldback237-242.yml (40 cases each, written 6 December 2026 the same way by six new
  writers: an ordinary mix; babies under one and pregnancies; 11-17-year-olds in trouble
  or at risk; harm told indirectly, in euphemism and hints; voluntary, faith and sports
  groups; social care and early help practitioners; measured once at commit d24ab34,
  after the fixes from sets 201-236, the rules and the second reader, which had not seen
  them): 100%, 95%, 100%, 97.5%, 97.5% and 97.5% agreement (97.9% over the 240 cases; the
  rules alone: 97.5, 72.5, 85, 77.5, 82.5, 97.5, 85.4%). All six sets met the whole
  target: no level-4 case read lower, no 999 missed, every route named. Of the 5
  disagreements, 3 read the case higher than its writer (a care leaver's own childhood
  abuse, 'no words she shouldn't know' read as a child with no words, a baby's feeding
  worry read as level 4 by the second reader where no rule found anything) and 2 lower
  (level 2 read as 1 by the second reader, both reviewed).
- Across sets 1-19, the most common disagreement left is the engine reading a case one
  level higher than its writer (30 of 63 in sets 1-17 before the last round of fixes
  were level 1 read as 2): a single minor need the writer judged met, a mother's own FGM
  (level 2 with review here, by choice), or text with no recognised need (level 2 with
  review, by design, never a confident level 1).
Fresh sets have so far agreed 62.5-100% on first reading (242 sets). Of those at 90% or more,
only sets 51, 66, 69, 70, 75, 77, 89, 100, 108, 110, 114, 115, 116, 120, 124, 126, 129, 136, 140, 152, 160, 161, 162, 165, 166, 167, 168, 170, 172, 173, 174, 175, 178, 179, 182, 183, 185, 186, 187, 189, 191, 193, 195, 197, 198, 199, 201, 202, 203, 205, 207, 209, 210, 213-220, 222-225, 227, 229, 231, 232, 234, 235 and 237-242 also read
no level-4 case lower and named every route: seventy-seven sets in 242 have met the target on text the rules had not seen, and the rest fall short of it, most by a
few cases. The engine's answer to that is to say when it is unsure:
text with no recognised need, or with an alarm word (rulebook `alarm_words`) that no rule
placed, raises human review rather than passing as a confident low level.
Each set's gaps were then fixed in general form (new phrasings, context rules, and for
sets 3 to 8 the reading that a special route sits alongside the level rather than
setting it), so these files now guard those fixes and are no longer fresh measurements. The targets
are the product's: at least 90% level agreement, no level-4 case read as lower, and
every special route named. Figures are written to reports/heldback*.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from thresholds import assess

HERE = Path(__file__).parent
REFERENCE = HERE.parent.parent / "thresholds" / "reference"  # the reference consultations
FILES = sorted(REFERENCE.glob("heldback*.yml"))
# The engine reads English only. A case in another language is not read lower in
# silence: the engine says so and asks an advisor to read it. Such a level-4 case still
# counts against agreement and is listed on its own, not among "missed" level-4 cases.
NOT_ENGLISH = "does not look like English"
CASE_KEYS = ("text", "child_age_years", "unborn", "immediate_danger", "consent", "mobile")
REPORTS = HERE.parent.parent / "reports"


def measure(path: Path) -> dict:
    cases = yaml.safe_load(path.read_text())
    agree, missed_l4, unflagged_l4, missed_routes, disagreements = 0, [], [], [], []
    unread = []  # level-4 cases in another language: read lower, sent to an advisor to read
    unread_routes = []  # likewise, a route in a case in another language
    for v in cases:
        r = assess({k: v[k] for k in CASE_KEYS if k in v})
        if r["level"] == v["level"]:
            agree += 1
        else:
            disagreements.append({"id": v["id"], "expected": v["level"], "got": r["level"],
                                  "recommendation": r["recommendation"]})
        if v["level"] == 4 and r["level"] < 4 and r["needs_human_review"] and any(
                NOT_ENGLISH in line for line in r["rationale"]):
            unread.append(v["id"])
        elif v["level"] == 4 and r["level"] < 4:
            missed_l4.append(v["id"])
            if not r["needs_human_review"]:
                unflagged_l4.append(v["id"])
        if v.get("rec") == "emergency_999" and r["recommendation"] != "emergency_999":
            missed_l4.append(v["id"] + " (999)")
        if not set(v.get("routes") or []) <= set(r["special_routes"]):
            if r["needs_human_review"] and any(NOT_ENGLISH in line for line in r["rationale"]):
                unread_routes.append(v["id"])  # the advisor who reads it names the route
            else:
                missed_routes.append(v["id"])
    return {"file": path.name, "cases": len(cases), "level_agreement": round(agree / len(cases), 3),
            "missed_level_4": missed_l4, "missed_level_4_without_review": unflagged_l4,
            "level_4_in_another_language_sent_for_review": unread,
            "route_in_another_language_sent_for_review": unread_routes,
            "missed_routes": missed_routes,
            "disagreements": disagreements}


def test_heldback_files_exist():
    assert FILES, "no held-back vignette files found"


FRESH = sorted((REFERENCE / "fresh").glob("heldback*.yml"))
DEV = sorted((REFERENCE / "dev").glob("dev*.yml"))


def measured_safely(path: Path, min_cases: int) -> dict:
    """Measure a set, write its report, and check the safety targets every set keeps:
    no level-4 case read lower and every special route named."""
    result = measure(path)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{path.stem}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    assert result["cases"] >= min_cases
    assert not result["missed_level_4"], result
    assert not result["missed_routes"], result
    return result


@pytest.mark.parametrize("path", FRESH, ids=[p.name for p in FRESH])
def test_fresh_sets_keep_the_safety_targets(path):
    """Sets not tuned to 90% agreement: agreement is written to reports/ and printed."""
    measured_safely(path, min_cases=30)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_heldback_agreement(path):
    result = measured_safely(path, min_cases=30)
    assert result["level_agreement"] >= 0.90, result


@pytest.mark.parametrize("path", DEV, ids=[p.name for p in DEV])
def test_development_sets(path):
    """Sets written independently to find gaps, then fixed (first readings in the module
    docstring): they guard the fixes, so every level-4 case and route must hold, and
    agreement may not fall below the baseline recorded in the file when it was added."""
    result = measured_safely(path, min_cases=50)
    baseline = float(re.search(r"^# Baseline agreement: ([0-9.]+)", path.read_text(), re.M).group(1))
    assert result["level_agreement"] >= baseline, result
