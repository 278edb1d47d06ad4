import AWSClient
import System

/// For `wait` and `logs`: learns each task and its task definition (batched DescribeTasks, one
/// DescribeTaskDefinition per distinct definition), for the verdicts and the log streams.
struct TaskLookup {
    let ecs: ECSAPI
    let isInterrupted: () -> Bool

    /// Like `lookUp`, but Ctrl-C, or the timeout (from `startedAt`, on `clock`), ends it at once even while
    /// AWS does not answer: nothing is followed yet.
    func lookUpAbandoningOnInterrupt(
        cluster: String, tasks: [String], waitFor: WaitCondition, startedAt: Double, timeout: Double?,
        clock: MonotonicClock
    ) throws -> FollowTarget {
        let deadline = timeout.map { startedAt + $0 }
        let expired = { deadline.map { clock.now() >= $0 } ?? false }
        do {
            return try lookUp(
                cluster: cluster, tasks: tasks, waitFor: waitFor, startedAt: startedAt,
                cancellation: Cancellation(when: { isInterrupted() || expired() }))
        } catch  where isInterrupted() {
            throw RunFailure(.interruptedBeforeFollowing)
        } catch  where expired() {
            throw RunFailure(.timeoutBeforeFollowing(timeout: timeout ?? 0))
        }
    }

    func lookUp(
        cluster: String, tasks: [String], waitFor: WaitCondition, startedAt: Double,
        cancellation: Cancellation
    ) throws -> FollowTarget {
        let found = try describe(cluster: cluster, tasks: tasks, cancellation: cancellation)
        var definitions: [String: TaskDefinition] = [:]
        var target = FollowTarget(cluster: cluster, tasks: tasks, initial: found, verdicts: [:], streams: [], startedAt: startedAt)
        for wanted in tasks {
            guard let task = found.first(where: { TaskWatcher.matches($0, wanted) }) else {
                throw RunFailure(.taskNotDescribed(wanted, cluster: cluster))
            }
            guard let arn = task.taskDefinitionArn else { continue }
            if definitions[arn] == nil {
                do {
                    definitions[arn] = try ecs.describeTaskDefinition(
                        DescribeTaskDefinitionRequest(taskDefinition: arn),
                        cancellation: cancellation
                    ).taskDefinition
                } catch let error as AWSError {
                    throw RunFailure(.awsCall(AWSCall("DescribeTaskDefinition", arn), error))
                }
            }
            guard let definition = definitions[arn] else { continue }
            target.verdicts[wanted] = TaskVerdict(taskDefinition: definition, container: nil, waitFor: waitFor)
            var taskStreams = LaunchPlan.logStreams(definition, taskID: task.taskID)
            if tasks.count > 1 {
                for i in taskStreams.indices { taskStreams[i].container += " " + String(task.taskID.prefix(8)) }
            }
            target.streams += taskStreams
        }
        return target
    }

    /// DescribeTasks in batches of what ECS accepts; a task it reports as failed ends the look-up.
    private func describe(cluster: String, tasks: [String], cancellation: Cancellation) throws -> [ECSTask] {
        var found: [ECSTask] = []
        var failures: [Failure] = []
        for start in stride(from: 0, to: tasks.count, by: TaskWatcher.batchSize) {
            let batch = Array(tasks[start..<min(start + TaskWatcher.batchSize, tasks.count)])
            do {
                let answer = try ecs.describeTasks(DescribeTasksRequest(cluster: cluster, tasks: batch), cancellation: cancellation)
                found += answer.tasks ?? []
                failures += answer.failures ?? []
            } catch let error as AWSError {
                throw RunFailure(.awsCall(AWSCall("DescribeTasks"), error))
            }
        }
        if !failures.isEmpty { throw RunFailure(.describeTasksFailures(cluster: cluster, failures: failures)) }
        return found
    }
}
