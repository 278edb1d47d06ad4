variable "ecs_run" {
  description = "Path of the ecs-run executable (or its name on PATH)."
  type        = string
  default     = "ecs-run"
}

variable "cluster" {
  description = "ECS cluster name or ARN."
  type        = string
}

variable "task_definition" {
  description = "Task definition to run: family, family:revision or ARN."
  type        = string
}

variable "container" {
  description = "Container whose exit code decides; empty for the single essential container."
  type        = string
  default     = ""
}

variable "command" {
  description = "Replaces the container's command (ecs-run … -- COMMAND); empty keeps the task definition's."
  type        = list(string)
  default     = []
}

variable "subnets" {
  description = "Subnets for awsvpc tasks."
  type        = list(string)
  default     = []
}

variable "security_groups" {
  description = "Security groups for awsvpc tasks."
  type        = list(string)
  default     = []
}

variable "assign_public_ip" {
  description = "Give the task a public IP (a public subnet without NAT needs it to pull images)."
  type        = bool
  default     = false
}

variable "network_from_service" {
  description = "Copy subnets, security groups and launch settings from this existing ECS service instead."
  type        = string
  default     = ""
}

variable "timeout" {
  description = "How long ecs-run waits before stopping the task and failing (90s, 30m, 2h)."
  type        = string
  default     = "30m"
}

variable "wait_for" {
  description = "exit (as soon as the container's exit code is known) or stopped; empty for ecs-run's default."
  type        = string
  default     = ""
  validation {
    condition     = contains(["", "exit", "stopped"], var.wait_for)
    error_message = "wait_for must be \"exit\", \"stopped\" or empty."
  }
}

variable "container_environment" {
  description = "Environment overrides for the container (ecs-run --env)."
  type        = map(string)
  default     = {}
}

variable "environment" {
  description = "Extra environment for ecs-run itself, such as AWS_PROFILE, AWS_REGION or AWS_ENDPOINT_URL."
  type        = map(string)
  default     = {}
}

variable "triggers" {
  description = "Values that, when changed, run the task again (for example the image digest and the task definition ARN)."
  type        = map(string)
}
