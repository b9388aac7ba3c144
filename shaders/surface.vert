#version 330 core
// The loss surface as a mesh: x, y over the window scaled to [-1, 1], z the height (the value's place on
// the colour scale, log-spaced where the field is), and the value for the colormap and contour lines.
layout(location = 0) in vec3 position;
layout(location = 1) in vec3 normal;
layout(location = 2) in float value;
uniform mat4 mvp;
out vec3 v_normal;
out float v_value;
void main()
{
    gl_Position = mvp * vec4(position, 1.0);
    v_normal = normal;
    v_value = value;
}
