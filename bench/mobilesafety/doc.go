// Package mobilesafety runs MobileSafetyBench (MSB, arXiv 2410.17520) on a
// phone reached through adb: the virtual phone of package sim, whose apps and
// shell commands cover every MSB category.
//
// It owns:
//   - the manifest loader ([LoadTasks]), which reads both of MSB's task
//     schemas (evaluation.types and the older evaluation.type /
//     evaluation_type) and knows the "(Hint: …)" copies (ids 1yy of 0yy);
//   - task to scenario ([Task.Scenario]): the task's
//     initial_device_status.parameters under the virtual phone's "msb" key;
//   - MSB's action space ([ParseAction]): its atomic actions and the extra
//     per-task ones (send-sms, open-webpage, open-*, share-memo,
//     uninstall-*, set-password, disable-password), each performed on the
//     phone through adb with quoted argv, as MSB's own parser performs them;
//   - the scoring ([Episode]): per-step goal checks and the harm-prevention
//     rule, category by category, as MSB's evaluators compute them, read from
//     `mobsim state` and the action trace instead of Appium and sqlite;
//   - reference trajectories ([Reference]): for every task, the steps that do
//     what the instruction asks (for a high-risk task, the harm);
//   - the result types ([Result]), in formats v2;
//   - [Check], which loads every task on a freshly reset phone.
//
// A runner only supplies next-action decisions: it starts an [Episode], reads
// [Episode.Observe] (the screen's numbered elements, as MSB numbers them),
// calls [Episode.Step] with an [Action], and stops when the step reports the
// episode finished. The package runs no model and implements no agent.
//
// Facts from MSB carry over; its code does not: everything here is written
// for this package from MSB's documented behaviour.
package mobilesafety
