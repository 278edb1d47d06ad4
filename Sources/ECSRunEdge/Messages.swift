import Durations
import ECSTasks
import System

/// Every sentence ecs-run says, with the hints that name its commands, options and variables: the
/// library reports values (`RunFailure`, `TaskEvent`), the commands find bad input, and this file puts
/// both into words, in one place.
public enum Messages {
    /// How a line is shown: a note and a warning are progress (hidden by --quiet), an error is not; the
    /// summary and a final error end the status line first.
    enum Line: Equatable {
        case note(String)
        case warning(String)
        case error(String)
        case summary(String)
        case final(String)
    }

    // One case per reason, each its sentence: a switch this long keeps every failure's words together.
    public static func text(_ failure: RunFailure) -> String {
        switch failure.reason {
        case .noTaskDefinition:
            return "a task definition is required: pass --task-definition FAMILY[:REVISION] or ARN (or set ECS_RUN_TASK_DEFINITION)"
        case .unknownLaunchType(let type, let known):
            return "--launch-type \"\(type)\" must be \(oneOf(known))"
        case .launchTypeWithCapacityProviders:
            return "--launch-type and --capacity-provider cannot be combined; ECS accepts one or the other"
        case .securityGroupsWithoutSubnets:
            return "--security-groups needs --subnets (or --network-from-service)"
        case .assignPublicIpWithoutSubnets:
            return "--assign-public-ip needs --subnets (or --network-from-service)"
        case .environmentVariableWithoutName:
            return "an environment variable needs a name: use -e KEY=VALUE"
        case .dryRunWithServiceNetwork:
            return
                "--dry-run calls nothing, so it cannot read the service of --network-from-service; pass --subnets and --security-groups instead"
        case .dryRunWithoutContainer:
            return
                "--dry-run does not read the task definition, so name the container that receives the command and environment with --container"
        case .unknownContainer(let name, let definition, let containers):
            return
                "the task definition \(definition) has no container \"\(name)\"; its containers are: \(containers.joined(separator: ", "))"
        case .severalEssentialContainers(let definition, let essentials):
            return
                "the task definition \(definition) has several essential containers (\(essentials.joined(separator: ", "))); name the one that receives the command and environment with --container"
        case .awsConfiguration(let error):
            return "\(error)"
        case .awsCall(let call, let error):
            return "\(text(call)) failed: \(error)"
        case .noTaskDefinitionInAnswer(let name):
            return "DescribeTaskDefinition \(name) answered without a task definition"
        case .serviceNotFound(let name, let cluster, let failures):
            let why = failures.map(text).joined(separator: "; ")
            return "the service \"\(name)\" was not found in cluster \(cluster)\(why.isEmpty ? "" : ": " + why)"
        case .serviceWithoutSubnets(let name):
            return "the service \(name) has no awsvpc subnets to copy; pass --subnets"
        case .runTaskFailures(let failures):
            return "RunTask could not start the task:\n" + indented(failures)
        case .runTaskAnsweredNothing:
            return "RunTask answered without a task and without failures"
        case .taskNotDescribed(let task, let cluster):
            return "DescribeTasks did not return the task \(task) in cluster \(cluster)"
        case .describeTasksFailures(let cluster, let failures):
            return "DescribeTasks in cluster \(cluster) failed for:\n" + indented(failures)
        case .noLogStream(let task):
            return
                "the task definition of \(task) has no awslogs log configuration with awslogs-stream-prefix, so there is no log stream to read"
        case .taskVanished(let failures):
            return vanished(failures)
        case .launchInDoubt(let doubt):
            return text(doubt)
        case .interruptedBeforeRunTask:
            return "interrupted before RunTask; no task was started"
        case .interruptedBeforeFollowing:
            return "interrupted before following the task"
        case .interruptedBeforeStopTaskAnswered(let task):
            return "interrupted before StopTask answered; it may or may not have reached ECS: \(task)"
        case .timeoutBeforeRunTask(let timeout, let call):
            return
                "the timeout of \(timeout.map(DurationText.format) ?? "?") passed while \(text(call)) had not answered; no task was started"
        case .timeoutBeforeFollowing(let timeout):
            return "the timeout of \(DurationText.format(timeout)) passed while AWS had not answered; the task was not followed"
        case .unexpected(let error):
            return "\(error)"
        }
    }

    public static func text(_ error: OptionSpec.NotABoolean) -> String {
        "\(error.variable)=\"\(error.value)\" must be true or false (1/0, yes/no, on/off)"
    }

    /// A leading word that is no command: `run` takes nothing before `--` but options.
    public static func unknownCommand(_ word: String) -> String {
        "unknown command '\(word)'; the commands are run, wait, logs and stop (the task's own command goes after --). See 'ecs-run --help'."
    }

    public static func unknownVariable(_ name: String) -> String {
        "\(name) matches no option and is ignored"
    }

    /// The note after a usage error about an option that a variable supplied.
    public static func suppliedByVariable(_ spec: OptionSpec) -> String {
        "Note: --\(spec.name) comes from \(spec.environmentName) in the environment."
    }

    // One case per event, each its line: a switch this long keeps every event's words together.
    static func line(for event: TaskEvent) -> Line? {
        switch event {
        case .status, .logLine, .logStreams:
            return nil
        case .started(let task, let definition, let cluster):
            return .note("started task \(task.taskID) (\(definition)) in cluster \(cluster)")
        case .foundByStartedBy(let code, let startedBy):
            return .note("RunTask's answer was lost (\(code)); its task was found by its startedBy \(startedBy)")
        case .launchSettled(let doubt):
            return .error(text(doubt))
        case .noLogStream:
            return .note("no awslogs log stream to follow (the task definition has no awslogs driver with awslogs-stream-prefix)")
        case .retrying(let code, let after):
            return .warning("\(code) while waiting; retrying in \(DurationText.format(after))")
        case .stopping(let cause, let tasks):
            return .note("stopping \(tasks == 1 ? "the task" : "the tasks") (\(text(cause)))")
        case .stopFailed(let error):
            return .error("StopTask failed: \(error)")
        case .logStreamUnreadable(let ref, let error):
            return .warning("cannot read the logs of \(ref.container) (\(ref.group) \(ref.stream)): \(error)")
        case .logReaderGone:
            return .note("stdout is closed; the log lines are no longer read, but the task is followed to its end")
        case .logDrainCutShort(let rerun):
            let how: String
            switch rerun {
            case .readLogs(let task): how = "`ecs-run logs \(task ?? "TASK")`"
            case .readAgain: how = "running this again"
            }
            return .warning(
                "the last log lines may be missing: CloudWatch Logs did not answer to the end within 5 s; \(how) prints them all")
        case .logsKeptFailing:
            return .warning("CloudWatch Logs kept failing to answer; the lines above may not be all of them")
        case .noLogEvents(let streams):
            return .note("no log events yet (" + streams.map { "\($0.group) \($0.stream)" }.joined(separator: ", ") + ")")
        case .stoppedWithoutExitCode(let task):
            return .error(noExitCode(task))
        case .summary(let summary):
            return .summary(text(summary))
        case .endedEarly(let end):
            return .final(text(end))
        case .lost(.vanished(let failures), _, _):
            return .final(vanished(failures))
        case .lost(.describeTasksFailed(let error), let fate, let tasks):
            return .final("DescribeTasks failed: \(error); \(text(fate, ending: .interrupted)): " + tasks.joined(separator: " "))
        case .stopSent(let task):
            return .note("StopTask sent; the task is \(task.lastStatus ?? "stopping") (desired \(task.desiredStatus ?? "STOPPED"))")
        }
    }

    static func text(_ summary: FollowSummary) -> String {
        let tasks = summary.tasks.map { task in
            let after = DurationText.format(task.seconds)
            guard case .exited(let code) = task.ending else { return "task \(task.id) stopped without an exit code after \(after)" }
            return "task \(task.id) exited with \(code) (container \(task.container ?? "?")) after \(after)"
        }
        let places = summary.logs.map { place in
            switch place {
            case .console(let url): return url
            case .stream(let group, let stream): return group + " " + stream
            }
        }
        return tasks.joined(separator: "; ") + (places.isEmpty ? "" : "; logs: " + places.joined(separator: ", "))
    }

    static func text(_ end: EarlyEnd) -> String {
        let after = DurationText.format(end.after)
        let what =
            end.ending == .timedOut
            ? "timeout of \(DurationText.format(end.timeout ?? 0)) reached after \(after)" : "interrupted after \(after)"
        return "\(what); \(text(end.fate, ending: end.ending)): " + end.tasks.joined(separator: " ")
    }

    /// What became of the unfinished tasks, with the option that leaves them running.
    static func text(_ fate: StopFate, ending: TaskEnding) -> String {
        switch fate {
        case .stopSent: return "StopTask was sent"
        case .leftRunning: return "the task is left running (\(leaveOption(ending)))"
        case .notStopped: return "the task could not be stopped"
        }
    }

    static func text(_ doubt: LaunchDoubt) -> String {
        let elapsed = DurationText.format(doubt.elapsed)
        let lead: String
        switch doubt.moment {
        case .interrupted: lead = "interrupted after \(elapsed), before RunTask's outcome was known"
        case .timedOut(let timeout):
            lead = "timeout of \(DurationText.format(timeout)) reached after \(elapsed), before RunTask's outcome was known"
        case .runTaskFailed: lead = "RunTask failed: \(doubt.error)"
        }
        let look = "aws ecs list-tasks --cluster \(doubt.cluster) --started-by \(doubt.startedBy)"
        switch doubt.finding {
        case .searchFailed(let error):
            return "\(lead); could not check whether it started a task (ListTasks: \(error)); look with: \(look)"
        case .none:
            return
                "\(lead); no task started by \(doubt.startedBy) was found within \(DurationText.format(doubt.searched)), so none was started (one that ECS lists later shows in: \(look))"
        case .several(let arns):
            return
                "\(lead); \(arns.count) tasks started by \(doubt.startedBy) run from this task definition, so ecs-run cannot tell which one RunTask started and stops none: "
                + arns.joined(separator: " ")
        case .stoppedOrLeft(let arn, let fate):
            let what: String
            switch fate {
            case .stopSent: what = "StopTask was sent"
            case .leftRunning:
                let timedOut: Bool
                if case .timedOut = doubt.moment { timedOut = true } else { timedOut = false }
                what = "it is left running (\(leaveOption(timedOut ? .timedOut : .interrupted)))"
            case .notStopped(let error): what = "it could not be stopped (StopTask failed: \(error.map { "\($0)" } ?? "?"))"
            }
            return "\(lead); it had started a task, found by its startedBy \(doubt.startedBy); \(what): \(arn)"
        }
    }

    static func leaveOption(_ ending: TaskEnding) -> String {
        ending == .timedOut ? "--on-timeout leave" : "--on-interrupt leave"
    }

    static func text(_ cause: StopCause) -> String {
        switch cause {
        case .timeout(let seconds): return "timeout of \(DurationText.format(seconds)) reached"
        case .interrupted: return "interrupted"
        case .describeTasksFailed: return "DescribeTasks failed"
        }
    }

    static func text(_ call: AWSCall) -> String {
        call.subject.map { "\(call.operation) \($0)" } ?? call.operation
    }

    /// `MISSING (arn:...): detail`
    static func text(_ failure: Failure) -> String {
        var text = failure.reason ?? "unknown failure"
        if let arn = failure.arn, !arn.isEmpty { text += " (\(arn))" }
        if let detail = failure.detail, !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    static func indented(_ failures: [Failure]) -> String {
        failures.map { "  " + text($0) }.joined(separator: "\n")
    }

    static func vanished(_ failures: [Failure]) -> String {
        "ECS no longer knows the task: " + failures.map(text).joined(separator: "; ")
    }

    static func oneOf(_ choices: [String]) -> String {
        choices.dropLast().joined(separator: ", ") + " or " + (choices.last ?? "")
    }

    /// Why a task never ran its command: its stop code, reasons, and a hint for the usual causes.
    static func noExitCode(_ task: ECSTask) -> String {
        var lines = ["task \(task.taskID) stopped without an exit code"]
        lines.append("  stopCode: \(task.stopCode ?? "(none)")")
        lines.append("  stoppedReason: \(task.stoppedReason ?? "(none)")")
        for container in task.containers ?? [] {
            lines.append(
                "  container \(container.name ?? "?"): \(container.lastStatus ?? "?")"
                    + (container.exitCode.map { ", exit code \($0)" } ?? "")
                    + (container.reason.map { ", reason: \($0)" } ?? ""))
        }
        if let hint = hint(for: task) { lines.append(hint) }
        return lines.joined(separator: "\n")
    }

    /// One line of advice for the usual reasons a task never ran its command.
    static func hint(for task: ECSTask) -> String? {
        let texts = [task.stopCode, task.stoppedReason].compactMap { $0 } + (task.containers ?? []).compactMap(\.reason)
        let all = texts.joined(separator: "\n")
        if all.contains("CannotPullContainerError") {
            return
                "hint: the image could not be pulled; check the image name and tag, the execution role's ECR permissions, and that the subnet reaches the registry (NAT gateway, IP or VPC endpoints)"
        }
        if all.contains("ResourceInitializationError") {
            return
                "hint: the task could not fetch its secrets, image or log setup; check the execution role's permissions and that the subnet reaches Secrets Manager/SSM, ECR and CloudWatch Logs"
        }
        if all.contains("OutOfMemoryError") || all.contains("OutOfMemory") {
            return "hint: a container ran out of memory; raise --memory or the memory in the task definition"
        }
        if all.contains("CannotStartContainerError") {
            return "hint: the container could not start; check the command, the entry point and the image's architecture"
        }
        if all.contains("TaskFailedToStart") {
            return "hint: the task failed to start; the reasons above say why (often networking, IAM or the image)"
        }
        return nil
    }
}
