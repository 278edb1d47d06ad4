variable "family" {
  description = "Task definition family, for example \"orders-migrator\"."
  type        = string
}

variable "image" {
  description = "Migrator image built from the Dockerfile, best pinned by digest (repo@sha256:…)."
  type        = string
}

variable "image_digest" {
  description = "The image's digest (for example data.aws_ecr_image.migrator.image_digest) when `image` is a tag; a new digest re-runs migrations."
  type        = string
  default     = ""
}

variable "cluster" {
  description = "ECS cluster name or ARN the migration task runs in."
  type        = string
}

variable "subnets" {
  description = "Private subnets that can reach the database."
  type        = list(string)
}

variable "security_groups" {
  description = "Security groups of the task; the database's group must admit them on db_port."
  type        = list(string)
}

variable "assign_public_ip" {
  description = "Only for public subnets without NAT (image pulls need a route out)."
  type        = bool
  default     = false
}

variable "region" {
  description = "AWS region of the cluster and the log group."
  type        = string
}

variable "execution_role_arn" {
  description = "Role ECS uses to pull the image, read db_secret_arn (secretsmanager:GetSecretValue, and kms:Decrypt for a customer key) and write logs."
  type        = string
}

variable "task_role_arn" {
  description = "Role the migrator runs as; it calls no AWS API (an empty policy will do) unless rds_iam, which needs rds-db:connect."
  type        = string
}

variable "log_group" {
  description = "CloudWatch Logs group for the migrator's output (stream prefix \"migrator\")."
  type        = string
}

variable "create_log_group" {
  description = "Create log_group here; false when it is managed elsewhere."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of a log group created here."
  type        = number
  default     = 30
}

variable "db_host" {
  description = "Database address without port, for example aws_db_instance.main.address."
  type        = string
}

variable "db_port" {
  description = "Database port."
  type        = number
  default     = 5432
}

variable "db_name" {
  description = "Database name."
  type        = string
}

variable "db_user" {
  description = "User the migrations run as, for example aws_db_instance.main.username."
  type        = string
}

variable "db_secret_arn" {
  description = "ARN of the RDS-managed master user secret (aws_db_instance.main.master_user_secret[0].secret_arn); its password key becomes PGPASSWORD. Not used with rds_iam."
  type        = string
  default     = null
}

variable "rds_iam" {
  description = "Connect with RDS IAM authentication: the task role signs a 15-minute token per connection (../migrator-rds-iam.json), no PGPASSWORD secret. The task role needs rds-db:connect (output rds_iam_policy_json) and db_user needs GRANT rds_iam."
  type        = bool
  default     = false
}

variable "db_resource_id" {
  description = "The instance's or cluster's resource id (aws_db_instance.main.resource_id, db-…; cluster-… for Aurora), for the rds-db:connect statement in rds_iam_policy_json."
  type        = string
  default     = ""
}

variable "command" {
  description = "Migrator command for the apply-time run."
  type        = list(string)
  default     = ["up"]
}

variable "timeout" {
  description = "ecs-run's --timeout for the migration run (90s, 30m, 2h); on timeout the task is stopped and the apply fails."
  type        = string
  default     = "30m"
}

variable "ecs_run" {
  description = "Path of ecs-run on the machine running terraform apply."
  type        = string
  default     = "ecs-run"
}

variable "ecs_run_environment" {
  description = "Extra environment for ecs-run, such as AWS_PROFILE."
  type        = map(string)
  default     = {}
}

variable "rerun_token" {
  description = "Change to run the migrations again without a new image."
  type        = string
  default     = ""
}

variable "task_definition_template" {
  description = "Task definition template with $${NAME} placeholders (see taskdefs/README.md); default ../migrator.json, or ../migrator-rds-iam.json with rds_iam."
  type        = string
  default     = null
}
