# Container images (included by the main Makefile).
#   make image        Dockerfile.scratch -> $(IMAGE)       (process-supervisor:local)
#   make image-slim   Dockerfile.slim    -> $(IMAGE_SLIM)  (process-supervisor:slim)
# ENGINE defaults to docker when its daemon answers, else podman; set
# ENGINE=podman (or docker) to choose.  ENGINE_FLAGS add to the build command.
# Podman builds the docker image format: the OCI format has no HEALTHCHECK,
# and podman would drop the images' with a warning.

IMAGE		?= process-supervisor:local
IMAGE_SLIM	?= process-supervisor:slim
ENGINE		?= $(shell if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; \
		     then echo docker; elif command -v podman >/dev/null 2>&1; \
		     then echo podman; else echo docker; fi)
ENGINE_FLAGS	?=
IMAGE_FORMAT	:= $(if $(filter podman,$(notdir $(ENGINE))),--format docker)

.PHONY: image image-slim
image:
	$(ENGINE) build $(IMAGE_FORMAT) $(ENGINE_FLAGS) -f Dockerfile.scratch -t $(IMAGE) .

image-slim:
	$(ENGINE) build $(IMAGE_FORMAT) $(ENGINE_FLAGS) -f Dockerfile.slim -t $(IMAGE_SLIM) .
