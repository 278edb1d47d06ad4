# Runs one ECS task with ecs-run from a local-exec provisioner, at apply time only, and again whenever
# `triggers` change. It needs no provider, so the AWS module (..) and the offline example (../example)
# share it. A non-zero exit of the task fails the apply and leaves this resource tainted, so the next
# apply runs the task again.

terraform {
  required_version = ">= 1.4" # terraform_data
}

locals {
  # ecs-run reads every option from ECS_RUN_<NAME>; unset ones are left out so ecs-run's defaults apply.
  settings = {
    ECS_RUN_CLUSTER              = var.cluster
    ECS_RUN_TASK_DEFINITION      = var.task_definition
    ECS_RUN_CONTAINER            = var.container
    ECS_RUN_SUBNETS              = join(",", var.subnets)
    ECS_RUN_SECURITY_GROUPS      = join(",", var.security_groups)
    ECS_RUN_ASSIGN_PUBLIC_IP     = var.assign_public_ip ? "true" : ""
    ECS_RUN_NETWORK_FROM_SERVICE = var.network_from_service
    ECS_RUN_TIMEOUT              = var.timeout
    ECS_RUN_WAIT_FOR             = var.wait_for
    ECS_RUN_ENV                  = join("\n", [for name, value in var.container_environment : "${name}=${value}"])
  }

  # The command goes after `--`, each word single-quoted for /bin/sh. No `exec`, and a trailing
  # `exit $?` so that no shell replaces itself with ecs-run: when Terraform is interrupted it SIGKILLs
  # the provisioner's process, which should be this shell; ecs-run sees its parent die and stops the task.
  quoted_command = [for word in var.command : "'${replace(word, "'", "'\\''")}'"]
  command_line = join(" ", concat(
    ["'${replace(var.ecs_run, "'", "'\\''")}'", "run"],
    length(var.command) > 0 ? concat(["--"], local.quoted_command) : [],
    ["; exit $?"],
  ))
}

resource "terraform_data" "run" {
  triggers_replace = var.triggers

  # Creation-time only: `terraform plan` never runs provisioners, so planning launches nothing.
  provisioner "local-exec" {
    command = local.command_line
    environment = merge(
      var.environment,
      { for name, value in local.settings : name => value if value != "" },
      # A fresh key per replacement: a retried launch within one apply starts no second task, and a
      # re-run after a failure is a new launch.
      { ECS_RUN_IDEMPOTENCY_KEY = self.id },
    )
  }
}
